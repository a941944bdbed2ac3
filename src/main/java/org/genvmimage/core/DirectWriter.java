package org.genvmimage.core;

import com.sun.nio.file.ExtendedOpenOption;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Appends to a file, for large files that are not read again soon (downloads, disk images). Where
 * the file system allows it the file is opened with {@code O_DIRECT}: bytes go from aligned buffers
 * to the disk without passing through the page cache, so the final {@link #finish() flush} has
 * almost nothing left to do, and writing 1 GiB neither fills (and evicts) 1 GiB of page cache nor
 * pays for copying into it. Elsewhere (tmpfs, some network file systems) the same code writes
 * through the page cache.
 *
 * <p>Writes happen on a thread of their own, so the caller fills the next buffer (receives, hashes,
 * reads) while the previous one goes to disk. The last, partial block is written padded and the
 * file then cut to its exact size; that block stays in memory and is written again when more bytes
 * follow, so every write is aligned. Used by one thread at a time; {@link #close()} without {@link
 * #finish()} leaves the file holding what was {@link #flush() flushed}.
 */
public final class DirectWriter implements AutoCloseable {
  /**
   * The size of each buffer handed to the disk: large enough that a write costs little besides its
   * bytes, small enough that parallel builds (two writers a download) keep a small footprint.
   */
  static final int CHUNK = 1 << 20;

  private static final int BUFFERS = 3;

  /** How often a caller waiting on the writer thread checks that it still runs. */
  private static final long WRITER_CHECK_MILLIS = 200;

  private record Job(ByteBuffer buffer, long position, boolean recycle, Semaphore done) {}

  private static final Job STOP = new Job(null, -1, false, null);

  private final Path file;
  private final FileChannel channel;
  private final boolean direct;
  private final int align;
  private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
  private final BlockingQueue<Job> jobs = new ArrayBlockingQueue<>(BUFFERS + 4);
  private final Thread writerThread;
  private volatile IOException failure;

  /** The buffer being filled; it holds the file's bytes from {@link #bufferStart}. */
  private ByteBuffer current;

  private long bufferStart;
  private long size;
  private boolean closed;

  private DirectWriter(Path file, FileChannel channel, boolean direct, int align, long size)
      throws IOException {
    this.file = file;
    this.channel = channel;
    this.direct = direct;
    this.align = align;
    for (int i = 0; i < BUFFERS; i++) {
      free.add(ByteBuffer.allocateDirect(CHUNK + align).alignedSlice(align).limit(CHUNK));
    }
    writerThread = DaemonThreads.start("write " + file.getFileName(), this::writeLoop);
    this.size = size;
    this.bufferStart = size / align * align;
    if (size > bufferStart) {
      // the partial last block is rewritten whole with what follows it
      ByteBuffer buffer = buffer();
      buffer.limit((int) (size - bufferStart));
      try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
        while (buffer.hasRemaining()) {
          if (in.read(buffer, bufferStart + buffer.position()) < 0) {
            throw new IOException(file + ": shorter than " + size + " bytes while reading it");
          }
        }
      }
      buffer.limit(CHUNK);
    }
  }

  /** Creates (or empties) {@code file}. */
  public static DirectWriter create(Path file) throws IOException {
    return open(file, true, true);
  }

  /**
   * Opens (or creates) {@code file} to write after the bytes it holds.
   *
   * @param bypassCache whether to bypass the page cache where possible; without, the bytes stay in
   *     the page cache for readers that come soon after
   */
  public static DirectWriter append(Path file, boolean bypassCache) throws IOException {
    return open(file, false, bypassCache);
  }

  private static DirectWriter open(Path file, boolean truncate, boolean bypassCache)
      throws IOException {
    int align = 4096;
    try {
      Path probe = Files.exists(file) ? file : Folders.of(file);
      long block = Files.getFileStore(probe).getBlockSize();
      align = (int) Math.max(align, Math.min(1 << 20, block));
    } catch (IOException | UnsupportedOperationException e) {
      // keep 4096, which every disk accepts
    }
    StandardOpenOption[] options =
        truncate
            ? new StandardOpenOption[] {
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING
            }
            : new StandardOpenOption[] {StandardOpenOption.CREATE, StandardOpenOption.WRITE};
    FileChannel channel = null;
    boolean direct = false;
    if (bypassCache) {
      try {
        channel = FileChannel.open(file, merge(options, ExtendedOpenOption.DIRECT));
        direct = true;
      } catch (IOException | UnsupportedOperationException e) {
        // O_DIRECT refused (EINVAL on tmpfs and others): the page cache it is.
      }
    }
    if (channel == null) {
      channel = FileChannel.open(file, options);
    }
    try {
      return new DirectWriter(file, channel, direct, align, channel.size());
    } catch (IOException | RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  private static java.nio.file.OpenOption[] merge(
      StandardOpenOption[] options, java.nio.file.OpenOption extra) {
    java.nio.file.OpenOption[] all = new java.nio.file.OpenOption[options.length + 1];
    System.arraycopy(options, 0, all, 0, options.length);
    all[options.length] = extra;
    return all;
  }

  /** Whether the page cache is bypassed. */
  public boolean direct() {
    return direct;
  }

  public Path file() {
    return file;
  }

  /** Bytes in the file, flushed or not. */
  public long size() {
    return size;
  }

  /** Appends the buffer's remaining bytes. */
  public void write(ByteBuffer source) throws IOException {
    while (source.hasRemaining()) {
      ByteBuffer buffer = buffer();
      int n = Math.min(buffer.remaining(), source.remaining());
      buffer.put(buffer.position(), source, source.position(), n);
      buffer.position(buffer.position() + n);
      source.position(source.position() + n);
      size += n;
      if (!buffer.hasRemaining()) {
        submit();
      }
    }
  }

  /** Appends {@code length} bytes of {@code bytes} from {@code offset}. */
  public void write(byte[] bytes, int offset, int length) throws IOException {
    write(ByteBuffer.wrap(bytes, offset, length));
  }

  /**
   * Opens a file for reading past the page cache ({@code O_DIRECT}) where its file system allows
   * it, else as usual: a file written with {@code O_DIRECT} is not in the cache, and reading it
   * through the cache would fill a page for every 4 KiB read. Give it to {@link #transferFrom},
   * which reads it in aligned chunks.
   */
  public static FileChannel openForReading(Path file) throws IOException {
    try {
      return FileChannel.open(file, StandardOpenOption.READ, ExtendedOpenOption.DIRECT);
    } catch (IOException | UnsupportedOperationException e) {
      // O_DIRECT refused (EINVAL on tmpfs and others): the page cache it is
      return FileChannel.open(file, StandardOpenOption.READ);
    }
  }

  /** Appends what is left of {@code source} (from its position to its end). */
  public void transferFrom(FileChannel source, Runnable afterEachChunk) throws IOException {
    // up to the size it had at the start: a source opened with O_DIRECT (see openForReading)
    // refuses to read on from the unaligned position its last, short read leaves
    long end = source.size();
    while (source.position() < end) {
      ByteBuffer buffer = buffer();
      int n = source.read(buffer);
      if (n < 0) {
        return;
      }
      size += n;
      if (!buffer.hasRemaining()) {
        submit();
        afterEachChunk.run();
      }
    }
  }

  /**
   * Makes every byte appended so far part of the file (for readers of the file, not yet durable)
   * and the file exactly {@link #size()} long.
   */
  public void flush() throws IOException {
    ensureOpen();
    ByteBuffer buffer = current;
    if (buffer != null && buffer.position() > 0) {
      int tail = buffer.position();
      int padded = (tail + align - 1) / align * align;
      ByteBuffer out = buffer.duplicate();
      for (int i = tail; i < padded; i++) {
        out.put(i, (byte) 0);
      }
      out.position(0).limit(padded);
      enqueue(new Job(out, bufferStart, false, null));
    }
    drain();
    if (channel.size() != size) {
      channel.truncate(size);
    }
  }

  /** Drops every byte: the file becomes empty. */
  public void truncateToZero() throws IOException {
    ensureOpen();
    drain();
    if (current != null) {
      current.clear().limit(CHUNK);
    }
    channel.truncate(0);
    size = 0;
    bufferStart = 0;
  }

  /** {@link #flush()}es, forces data and metadata to disk and closes the file. */
  public void finish() throws IOException {
    flush();
    channel.force(true);
    close();
  }

  /** Closes the file (a write in progress is stopped). */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    if (failure == null && writerThread.isAlive()) {
      jobs.offer(STOP);
    }
    writerThread.interrupt();
    boolean interrupted = false;
    while (writerThread.isAlive()) {
      try {
        writerThread.join();
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    channel.close();
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private void ensureOpen() throws IOException {
    if (closed) {
      throw new IOException(file + ": closed");
    }
    rethrow();
  }

  private ByteBuffer buffer() throws IOException {
    if (current == null) {
      ensureOpen();
      try {
        while ((current = free.poll(WRITER_CHECK_MILLIS, TimeUnit.MILLISECONDS)) == null) {
          checkWriterAlive();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new InterruptedIOException("interrupted while writing " + file);
      }
      if (failure != null) {
        current = null;
        rethrow();
      }
      current.clear().limit(CHUNK);
    }
    return current;
  }

  private void submit() throws IOException {
    ByteBuffer buffer = current;
    current = null;
    buffer.flip();
    enqueue(new Job(buffer, bufferStart, true, null));
    bufferStart += buffer.limit();
  }

  /** Waits until every queued write is done. */
  private void drain() throws IOException {
    Semaphore done = new Semaphore(0);
    enqueue(new Job(null, -1, false, done));
    try {
      while (!done.tryAcquire(WRITER_CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
        checkWriterAlive();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing " + file);
    }
    rethrow();
  }

  private void enqueue(Job job) throws IOException {
    ensureOpen();
    try {
      while (!jobs.offer(job, WRITER_CHECK_MILLIS, TimeUnit.MILLISECONDS)) {
        checkWriterAlive();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while writing " + file);
    }
  }

  /**
   * Fails when the writer thread has ended while a caller still waits on it (it ends on its own
   * only through an error it could not record), so that no caller waits for ever.
   */
  private void checkWriterAlive() throws IOException {
    if (!writerThread.isAlive()) {
      rethrow();
      throw new IOException(file + ": the writing thread stopped unexpectedly");
    }
  }

  private void rethrow() throws IOException {
    IOException e = failure;
    if (e != null) {
      throw new IOException(file + ": " + IoErrors.reason(e), e);
    }
  }

  private void writeLoop() {
    try {
      while (true) {
        Job job = jobs.take();
        if (job == STOP) {
          return;
        }
        if (job.done != null) {
          job.done.release();
          continue;
        }
        ByteBuffer buffer = job.buffer;
        if (failure == null) {
          try {
            long position = job.position;
            while (buffer.hasRemaining()) {
              position += channel.write(buffer, position);
            }
          } catch (IOException | RuntimeException | Error e) {
            // any failure, out of memory included, is reported to the caller, never swallowed
            failure = e instanceof IOException io ? io : new IOException(e.toString(), e);
            for (int i = 0; i < BUFFERS; i++) {
              free.offer(ByteBuffer.allocate(0)); // wakes a caller waiting for a buffer
            }
          }
        }
        if (job.recycle) {
          free.offer(buffer);
        }
      }
    } catch (InterruptedException e) {
      // close(): stop
    }
  }
}
