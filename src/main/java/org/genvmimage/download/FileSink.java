package org.genvmimage.download;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Writes a download to {@code <hex>.part} and hashes the same bytes as they pass: the finished file
 * is never read again. Bytes are gathered in one array (the HTTP client's buffers are read-only, so
 * one copy is unavoidable); each full array is hashed in one call and written in one call, so the
 * file always holds exactly the bytes hashed so far. Used by one thread at a time.
 */
final class FileSink implements Sink, AutoCloseable {
  private final DownloadCache cache;
  private final String type;
  private final String hex;
  private final Path part;
  private final FileChannel channel;
  private final byte[] staging;
  private int staged;
  private Hasher hasher;
  private DownloadCache.PartInfo info;
  private volatile long size;
  private final long resumedBytes;
  private boolean restarted;

  private FileSink(
      DownloadCache cache,
      String type,
      String hex,
      FileChannel channel,
      Hasher hasher,
      long size,
      DownloadCache.PartInfo info,
      int bufferSize) {
    this.cache = cache;
    this.type = type;
    this.hex = hex;
    this.part = cache.partPath(type, hex);
    this.channel = channel;
    this.hasher = hasher;
    this.size = size;
    this.resumedBytes = size;
    this.info = info;
    this.staging = new byte[bufferSize];
  }

  /**
   * Opens (or creates) the partial file of an entry. Bytes left by an earlier run are read once to
   * rebuild the digest state, so the download can continue after them.
   */
  static FileSink open(DownloadCache cache, String type, String hex, int bufferSize)
      throws IOException {
    Path part = cache.partPath(type, hex);
    Files.createDirectories(part.getParent());
    FileChannel channel =
        FileChannel.open(
            part, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    try {
      Hasher hasher = Checksums.newHasher(type);
      long size = 0;
      ByteBuffer buffer = ByteBuffer.allocate(bufferSize);
      while (channel.read(buffer) >= 0) {
        buffer.flip();
        size += buffer.remaining();
        hasher.update(buffer);
        buffer.clear();
      }
      channel.position(size);
      DownloadCache.PartInfo info = size > 0 ? cache.readPartInfo(type, hex).orElse(null) : null;
      return new FileSink(cache, type, hex, channel, hasher, size, info, bufferSize);
    } catch (IOException | RuntimeException e) {
      channel.close();
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
  public void restart(DownloadCache.PartInfo newInfo) throws IOException {
    staged = 0;
    channel.truncate(0);
    channel.position(0);
    hasher = Checksums.newHasher(type);
    size = 0;
    restarted = true;
    info = newInfo;
    if (newInfo != null) {
      cache.writePartInfo(type, hex, newInfo);
    } else {
      Files.deleteIfExists(cache.partInfoPath(type, hex));
    }
  }

  @Override
  public void accept(ByteBuffer buffer) throws IOException {
    int n = buffer.remaining();
    while (buffer.hasRemaining()) {
      int chunk = Math.min(buffer.remaining(), staging.length - staged);
      buffer.get(staging, staged, chunk);
      staged += chunk;
      if (staged == staging.length) {
        writeStaging();
      }
    }
    size += n;
  }

  @Override
  public void flush() throws IOException {
    if (staged > 0) {
      writeStaging();
    }
  }

  private void writeStaging() throws IOException {
    hasher.update(staging, 0, staged);
    ByteBuffer out = ByteBuffer.wrap(staging, 0, staged);
    staged = 0;
    while (out.hasRemaining()) {
      channel.write(out);
    }
  }

  /** Writes out the rest, forces it to disk, closes the file and returns the digest. */
  String finish() throws IOException {
    flush();
    channel.force(true);
    channel.close();
    return hasher.hexDigest();
  }

  /** Closes the file and keeps it, for a later resume. */
  @Override
  public void close() throws IOException {
    if (!channel.isOpen()) {
      return;
    }
    try {
      flush();
    } finally {
      channel.close();
    }
  }
}
