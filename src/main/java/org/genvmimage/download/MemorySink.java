package org.genvmimage.download;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.Arrays;

/** Collects a small body (a sums file) in memory, up to a limit. */
final class MemorySink implements Sink {
  private final int limit;
  private byte[] bytes = new byte[8192];
  private volatile int size;

  MemorySink(int limit) {
    this.limit = limit;
  }

  @Override
  public long size() {
    return size;
  }

  @Override
  public boolean resumable() {
    return false;
  }

  @Override
  public String ifRange(URI uri) {
    return null;
  }

  @Override
  public long knownTotal() {
    return -1;
  }

  @Override
  public void restart(PartInfo info) {
    size = 0;
  }

  @Override
  public void accept(ByteBuffer buffer) throws IOException {
    int n = buffer.remaining();
    if ((long) size + n > limit) {
      throw new IOException("larger than " + (limit >> 20) + " MiB; is it really a sums file?");
    }
    if (size + n > bytes.length) {
      bytes = Arrays.copyOf(bytes, Math.min(limit, Math.max(size + n, bytes.length * 2)));
    }
    buffer.get(bytes, size, n);
    size += n;
  }

  @Override
  public void flush() {}

  byte[] bytes() {
    return Arrays.copyOf(bytes, size);
  }
}
