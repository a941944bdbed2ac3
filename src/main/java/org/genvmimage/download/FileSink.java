package org.genvmimage.download;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.genvmimage.console.Units;
import org.genvmimage.core.DirectWriter;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.Folders;
import org.genvmimage.core.GenVmException;
import org.genvmimage.core.IoErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a download to {@code <hex>.part} and hashes the same bytes as they pass: the finished file
 * is never read again. A large heap buffer (as the HTTP reader hands over) is hashed where it lies;
 * small ones are gathered in one array first; each array is hashed in one call and handed to a
 * {@link DirectWriter} (which writes it to disk on a thread of its own; the cache entry stays in
 * the page cache, where the build that copies it finds it, unless a copy is written beside it), so
 * the file holds the bytes hashed so far once {@link #flush()}ed. An optional {@link DownloadCopy}
 * gets the same bytes, when they start like a qcow2 v3 image (anything else is converted, not
 * copied). Used by one thread at a time.
 */
final class FileSink implements Sink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FileSink.class);

  private final DownloadCache cache;
  private final Digest digest;
  private final Path part;
  private final DirectWriter writer;
  private final int bufferSize;
  private byte[] staging; // made when a small buffer first comes
  private int staged;
  private Hasher hasher;
  private PartInfo info;
  private volatile long size;
  private final long resumedBytes;

  /** Every byte taken, a restart's dropped ones too: what came over the network into it. */
  private long taken;

  private boolean restarted;
  private final DownloadCopy copy;
  private DirectWriter copyWriter;
  private boolean copyDone;
  private boolean closed;

  private FileSink(
      DownloadCache cache,
      Digest digest,
      DirectWriter writer,
      Hasher hasher,
      long size,
      PartInfo info,
      int bufferSize,
      DownloadCopy copy,
      DirectWriter copyWriter) {
    this.cache = cache;
    this.digest = digest;
    this.part = cache.partPath(digest);
    this.writer = writer;
    this.hasher = hasher;
    this.size = size;
    this.resumedBytes = size;
    this.info = info;
    this.bufferSize = bufferSize;
    this.copy = copy;
    this.copyWriter = copyWriter;
  }

  static FileSink open(DownloadCache cache, Digest digest, int bufferSize) throws IOException {
    return open(cache, digest, bufferSize, null);
  }

  /**
   * Opens (or creates) the partial file of an entry. Bytes left by an earlier run are read once to
   * rebuild the digest state, so the download can continue after them. {@code copy}, when given,
   * also gets the bytes if the download starts from the first byte.
   */
  static FileSink open(DownloadCache cache, Digest digest, int bufferSize, DownloadCopy copy)
      throws IOException {
    Path part = cache.partPath(digest);
    Files.createDirectories(Folders.of(part));
    Hasher hasher = Checksums.newHasher(digest.type());
    long size = 0;
    PartPrefix.cutToValidPrefix(cache, digest);
    if (Files.exists(part)) {
      try (FileChannel channel = FileChannel.open(part, StandardOpenOption.READ)) {
        ByteBuffer buffer = ByteBuffer.allocate(bufferSize);
        while (channel.read(buffer) >= 0) {
          buffer.flip();
          size += buffer.remaining();
          hasher.update(buffer);
          buffer.clear();
        }
      }
    }
    PartInfo info = size > 0 ? cache.readPartInfo(digest).orElse(null) : null;
    // While a copy is written beside it, nothing reads the entry soon: it bypasses the page cache
    // (no copy into it, no write-back at the end). Otherwise it stays there for the build that
    // converts or copies it next.
    DirectWriter writer = DirectWriter.append(part, copy != null && size == 0);
    DirectWriter copyWriter = null;
    try {
      if (writer.size() != size) {
        throw new IOException(part + ": changed while it was being read");
      }
      if (copy != null && size == 0) {
        copyWriter = DirectWriter.create(copy.file());
      }
      return new FileSink(cache, digest, writer, hasher, size, info, bufferSize, copy, copyWriter);
    } catch (IOException | RuntimeException e) {
      writer.close();
      throw e;
    }
  }

  /** Bytes that an earlier run left and this sink started from. */
  long resumedBytes() {
    return resumedBytes;
  }

  /** Whether the bytes held still begin with those an earlier run left. */
  boolean keptEarlierBytes() {
    return resumedBytes > 0 && !restarted;
  }

  Path part() {
    return part;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public boolean resumable() {
    return true;
  }

  @Override
  public String ifRange(URI uri) {
    return info == null ? null : info.ifRange(uri);
  }

  @Override
  public long knownTotal() {
    return info == null ? -1 : info.totalBytes();
  }

  @Override
  public void restart(PartInfo newInfo) throws IOException {
    staged = 0;
    writer.truncateToZero();
    if (copyWriter != null && copyWriter.size() > 0) {
      dropCopy();
    }
    hasher = Checksums.newHasher(digest.type());
    size = 0;
    restarted = true;
    info = newInfo;
    if (newInfo != null) {
      cache.writePartInfo(digest, newInfo);
    } else {
      Files.deleteIfExists(cache.partInfoPath(digest));
    }
  }

  @Override
  public void accept(ByteBuffer buffer) throws IOException {
    int n = buffer.remaining();
    if (staged == 0 && buffer.hasArray() && n >= Math.min(bufferSize, 64 << 10)) {
      // a large array (as the HTTP reader hands over) is hashed and written where it is
      write(buffer.array(), buffer.arrayOffset() + buffer.position(), n);
      buffer.position(buffer.limit());
      size += n;
      taken += n;
      return;
    }
    if (staging == null) {
      staging = new byte[bufferSize];
    }
    while (buffer.hasRemaining()) {
      int chunk = Math.min(buffer.remaining(), staging.length - staged);
      buffer.get(staging, staged, chunk);
      staged += chunk;
      if (staged == staging.length) {
        writeStaging();
      }
    }
    size += n;
    taken += n;
  }

  /**
   * The bytes this sink has taken, across restarts: the bytes received over the network by the
   * transfers into it, even those that failed part way.
   */
  long taken() {
    return taken;
  }

  @Override
  public void flush() throws IOException {
    if (staged > 0) {
      writeStaging();
    }
    writer.flush();
  }

  private void writeStaging() throws IOException {
    write(staging, 0, staged);
    staged = 0;
  }

  private void write(byte[] bytes, int offset, int length) throws IOException {
    hasher.update(bytes, offset, length);
    writer.write(bytes, offset, length);
    if (copyWriter != null && copyWriter.size() == 0 && !startsLikeQcow2v3(bytes, offset, length)) {
      dropCopy(); // it would be converted anyway: writing it twice is no gain
    }
    if (copyWriter != null) {
      try {
        copyWriter.write(bytes, offset, length);
      } catch (IOException e) {
        // the copy is an optimisation: the caller makes it from the cache entry instead
        log.debug("{}: {}; the copy is made after the download instead", copy.file(), e);
        dropCopy();
      }
    }
  }

  /** Whether bytes start with the qcow2 magic ({@code QFI\xfb}) and version 3. */
  static boolean startsLikeQcow2v3(byte[] bytes, int length) {
    return startsLikeQcow2v3(bytes, 0, length);
  }

  private static boolean startsLikeQcow2v3(byte[] bytes, int offset, int length) {
    int o = offset;
    return length >= 8
        && bytes[o] == 'Q'
        && bytes[o + 1] == 'F'
        && bytes[o + 2] == 'I'
        && bytes[o + 3] == (byte) 0xfb
        && bytes[o + 4] == 0
        && bytes[o + 5] == 0
        && bytes[o + 6] == 0
        && bytes[o + 7] == 3;
  }

  private void dropCopy() {
    try {
      copyWriter.close();
    } catch (IOException e) {
      log.debug("closing {}: {}", copy.file(), e.toString());
    }
    copyWriter = null;
  }

  /**
   * Writes out the rest, forces it to disk, closes the file and returns the digest. The copy, if
   * any, is forced to disk too; the caller marks it complete once the digest matched.
   */
  String finish() throws IOException {
    if (staged > 0) {
      writeStaging();
    }
    writer.finish();
    closed = true;
    if (copyWriter != null) {
      try {
        copyWriter.finish();
        copyDone = copyWriter.size() == size;
      } catch (IOException e) {
        log.debug("{}: {}; the copy is made after the download instead", copy.file(), e);
      }
      dropCopy();
    }
    return hasher.hexDigest();
  }

  /**
   * A failure to write the partial download, as the file system's failure (exit 6): the file named
   * once, and for a full file system how much more free space the download needs ({@code
   * totalBytes}, the length of the whole file, minus what it holds and what is free), when the
   * length is known.
   */
  GenVmException failure(IOException e, long totalBytes) {
    String message = IoErrors.withFile(part, e);
    if (IoErrors.noSpace(e)) {
      message += spaceNeeded(totalBytes >= 0 ? totalBytes : knownTotal());
    }
    return new GenVmException(ExitCode.TOOL_FAILED, message, e);
  }

  private String spaceNeeded(long totalBytes) {
    Path dir = part.toAbsolutePath().getParent();
    try {
      long free = Files.getFileStore(dir).getUsableSpace();
      long held = Files.exists(part) ? Files.size(part) : 0;
      if (totalBytes > 0 && totalBytes - held - free > 0) {
        return "; the download needs "
            + Units.bytes(totalBytes - held - free)
            + " more free space in "
            + dir
            + " ("
            + Units.bytes(totalBytes)
            + " in all, "
            + Units.bytes(held + free)
            + " available)";
      }
      return "; free some space in " + dir + " (" + Units.bytes(free) + " free)";
    } catch (IOException | RuntimeException e) {
      return "; free some space in " + dir;
    }
  }

  /** Whether the copy received every byte of the finished file and was forced to disk. */
  boolean copyComplete() {
    return copyDone;
  }

  /** Closes the file and keeps it, for a later resume. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (copyWriter != null) {
        dropCopy();
      }
      if (staged > 0) {
        writeStaging();
      }
      writer.flush();
    } finally {
      writer.close();
    }
  }
}
