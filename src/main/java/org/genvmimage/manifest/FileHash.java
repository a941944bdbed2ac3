package org.genvmimage.manifest;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.LongConsumer;
import org.genvmimage.core.DaemonThreads;
import org.genvmimage.core.DirectWriter;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/**
 * The SHA-256 of a whole file, read once from start to end (holes of a sparse file read as the
 * zeros they stand for, as {@code sha256sum} reads them). Interruptible: an interrupt ends it with
 * {@link ExitCode#INTERRUPTED}.
 *
 * <p>A file just written with {@code O_DIRECT} (as image outputs are) is not in the page cache:
 * reading it through the cache would fill a page for every 4 KiB, which costs more than the read
 * itself. Where the file system allows it, the file is read with {@code O_DIRECT} too, into a few
 * aligned buffers, on a reader thread of its own, while the calling thread hashes: reading and
 * hashing overlap on two cores, and the memory used is {@value #BUFFERS} buffers of {@value #CHUNK}
 * bytes whatever the file's size.
 */
public final class FileHash {
  private static final int CHUNK = 4 << 20;
  private static final int BUFFERS = 3;
  private static final int ALIGN = 4096;

  private FileHash() {}

  /** A filled buffer, the end of the file (no buffer), or the reader's failure. */
  private record Read(ByteBuffer buffer, IOException failure) {}

  /**
   * The file's SHA-256 in lower-case hex.
   *
   * @param progress receives the bytes read so far, about every 64 MiB and at the end; may be null
   */
  public static String sha256(Path file, LongConsumer progress) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
    BlockingQueue<Read> full = new ArrayBlockingQueue<>(BUFFERS + 1);
    for (int i = 0; i < BUFFERS; i++) {
      free.add(ByteBuffer.allocateDirect(CHUNK + ALIGN).alignedSlice(ALIGN).limit(CHUNK));
    }
    byte[] array = new byte[CHUNK];
    long read = 0;
    long reported = 0;
    try (FileChannel in = open(file)) {
      Thread reader =
          DaemonThreads.start("hash " + file.getFileName(), () -> readLoop(in, free, full));
      try {
        while (true) {
          Read next = full.take();
          if (next.failure() != null) {
            throw next.failure();
          }
          if (next.buffer() == null) {
            break;
          }
          int n = next.buffer().remaining();
          next.buffer().get(array, 0, n);
          free.add(next.buffer().clear().limit(CHUNK));
          digest.update(array, 0, n);
          read += n;
          if (progress != null && read - reported >= 16L * CHUNK) {
            reported = read;
            progress.accept(read);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GenVmException(ExitCode.INTERRUPTED, "interrupted", e);
      } finally {
        reader.interrupt();
      }
    } catch (ClosedByInterruptException | InterruptedIOException e) {
      throw new GenVmException(ExitCode.INTERRUPTED, "interrupted", e);
    }
    if (progress != null) {
      progress.accept(read);
    }
    return HexFormat.of().formatHex(digest.digest());
  }

  /** The file opened for reading, with {@code O_DIRECT} where its file system allows it. */
  private static FileChannel open(Path file) throws IOException {
    return Files.isRegularFile(file)
        ? DirectWriter.openForReading(file)
        : FileChannel.open(file, StandardOpenOption.READ);
  }

  /** Reads the file in order into free buffers and hands them over; then the end, or a failure. */
  private static void readLoop(
      FileChannel in, BlockingQueue<ByteBuffer> free, BlockingQueue<Read> full) {
    try {
      long position = 0;
      while (true) {
        ByteBuffer buffer = free.take();
        int n = 0;
        boolean end = false;
        // whole aligned chunks; a read that comes back short of a block is the file's end (and
        // O_DIRECT refuses to read on from a position that is not a block's start)
        while (buffer.hasRemaining()) {
          int got = in.read(buffer, position + n);
          if (got <= 0) {
            end = true;
            break;
          }
          n += got;
          if (n % ALIGN != 0) {
            end = true;
            break;
          }
        }
        position += n;
        if (n > 0) {
          full.put(new Read(buffer.flip(), null));
        }
        if (end) {
          full.put(new Read(null, null));
          return;
        }
      }
    } catch (IOException e) {
      full.offer(new Read(null, e));
    } catch (InterruptedException e) {
      // the hashing thread is gone
    }
  }
}
