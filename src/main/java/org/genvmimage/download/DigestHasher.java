package org.genvmimage.download;

import java.nio.ByteBuffer;
import java.util.HexFormat;
import org.bouncycastle.crypto.Digest;

/** A {@link Hasher} over a Bouncy Castle digest, for the types the JDK lacks (BLAKE2). */
final class DigestHasher implements Hasher {
  private static final int CHUNK = 64 * 1024;

  private final Digest digest;
  private byte[] chunk;
  private boolean finished;

  DigestHasher(Digest digest) {
    this.digest = digest;
  }

  @Override
  public void update(byte[] bytes, int offset, int length) {
    checkOpen();
    digest.update(bytes, offset, length);
  }

  @Override
  public void update(ByteBuffer buffer) {
    checkOpen();
    if (buffer.hasArray()) {
      digest.update(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
      buffer.position(buffer.limit());
      return;
    }
    if (chunk == null) {
      chunk = new byte[CHUNK];
    }
    while (buffer.hasRemaining()) {
      int length = Math.min(chunk.length, buffer.remaining());
      buffer.get(chunk, 0, length);
      digest.update(chunk, 0, length);
    }
  }

  @Override
  public String hexDigest() {
    checkOpen();
    finished = true;
    byte[] out = new byte[digest.getDigestSize()];
    digest.doFinal(out, 0);
    return HexFormat.of().formatHex(out);
  }

  private void checkOpen() {
    if (finished) {
      throw new IllegalStateException("the digest was already taken");
    }
  }
}
