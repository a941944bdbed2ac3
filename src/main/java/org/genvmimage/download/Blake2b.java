package org.genvmimage.download;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Objects;

/**
 * BLAKE2b (RFC 7693), unkeyed, with the default 64-byte digest: what Python's {@code
 * hashlib.blake2b()} and coreutils {@code b2sum} compute.
 */
public final class Blake2b implements Hasher {
  private static final int BLOCK_BYTES = 128;
  private static final int DIGEST_BYTES = 64;
  private static final VarHandle LONG_LE =
      MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);

  private static final long[] IV = {
    0x6a09e667f3bcc908L, 0xbb67ae8584caa73bL, 0x3c6ef372fe94f82bL, 0xa54ff53a5f1d36f1L,
    0x510e527fade682d1L, 0x9b05688c2b3e6c1fL, 0x1f83d9abfb41bd6bL, 0x5be0cd19137e2179L
  };

  private static final byte[][] SIGMA = {
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3},
    {11, 8, 12, 0, 5, 2, 15, 13, 10, 14, 3, 6, 7, 1, 9, 4},
    {7, 9, 3, 1, 13, 12, 11, 14, 2, 6, 5, 10, 4, 0, 15, 8},
    {9, 0, 5, 7, 2, 4, 10, 15, 14, 1, 11, 12, 6, 8, 3, 13},
    {2, 12, 6, 10, 0, 11, 8, 3, 4, 13, 7, 5, 15, 14, 1, 9},
    {12, 5, 1, 15, 14, 13, 4, 10, 0, 7, 6, 3, 9, 2, 8, 11},
    {13, 11, 7, 14, 12, 1, 3, 9, 5, 0, 15, 4, 8, 6, 2, 10},
    {6, 15, 14, 9, 11, 3, 0, 8, 12, 2, 13, 7, 1, 4, 10, 5},
    {10, 2, 8, 4, 7, 6, 1, 5, 15, 11, 9, 14, 3, 12, 13, 0},
    {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15},
    {14, 10, 4, 8, 9, 15, 13, 6, 1, 12, 0, 2, 11, 7, 5, 3}
  };

  private final long[] h = IV.clone();
  private final long[] m = new long[16];
  private final long[] v = new long[16];

  /**
   * The last block seen is held back here: it is compressed only when more input arrives, or with
   * the final flag by {@link #hexDigest()}.
   */
  private final byte[] buffer = new byte[BLOCK_BYTES];

  private int buffered;
  private long counterLow;
  private long counterHigh;
  private boolean finished;

  public Blake2b() {
    h[0] ^= 0x01010000L ^ DIGEST_BYTES;
  }

  @Override
  public void update(byte[] bytes, int offset, int length) {
    Objects.checkFromIndexSize(offset, length, bytes.length);
    checkNotFinished();
    if (length == 0) {
      return;
    }
    if (buffered > 0) {
      int take = Math.min(BLOCK_BYTES - buffered, length);
      System.arraycopy(bytes, offset, buffer, buffered, take);
      buffered += take;
      offset += take;
      length -= take;
      if (length == 0) {
        return;
      }
      compress(buffer, 0, BLOCK_BYTES, false);
      buffered = 0;
    }
    while (length > BLOCK_BYTES) {
      compress(bytes, offset, BLOCK_BYTES, false);
      offset += BLOCK_BYTES;
      length -= BLOCK_BYTES;
    }
    System.arraycopy(bytes, offset, buffer, 0, length);
    buffered = length;
  }

  @Override
  public void update(ByteBuffer input) {
    checkNotFinished();
    if (input.hasArray()) {
      update(input.array(), input.arrayOffset() + input.position(), input.remaining());
      input.position(input.limit());
      return;
    }
    while (input.hasRemaining()) {
      if (buffered == BLOCK_BYTES) {
        compress(buffer, 0, BLOCK_BYTES, false);
        buffered = 0;
      }
      int take = Math.min(BLOCK_BYTES - buffered, input.remaining());
      input.get(buffer, buffered, take);
      buffered += take;
    }
  }

  @Override
  public String hexDigest() {
    checkNotFinished();
    finished = true;
    Arrays.fill(buffer, buffered, BLOCK_BYTES, (byte) 0);
    compress(buffer, 0, buffered, true);
    byte[] out = new byte[DIGEST_BYTES];
    for (int i = 0; i < DIGEST_BYTES / 8; i++) {
      LONG_LE.set(out, i * 8, h[i]);
    }
    return HexFormat.of().formatHex(out);
  }

  private void checkNotFinished() {
    if (finished) {
      throw new IllegalStateException("the digest was already taken");
    }
  }

  /** Compresses one block; {@code count} is how many of its bytes are input (the rest is pad). */
  private void compress(byte[] block, int offset, int count, boolean last) {
    counterLow += count;
    if (Long.compareUnsigned(counterLow, count) < 0) {
      counterHigh++;
    }
    for (int i = 0; i < 16; i++) {
      m[i] = (long) LONG_LE.get(block, offset + i * 8);
    }
    System.arraycopy(h, 0, v, 0, 8);
    System.arraycopy(IV, 0, v, 8, 8);
    v[12] ^= counterLow;
    v[13] ^= counterHigh;
    if (last) {
      v[14] = ~v[14];
    }
    for (byte[] s : SIGMA) {
      mix(0, 4, 8, 12, m[s[0]], m[s[1]]);
      mix(1, 5, 9, 13, m[s[2]], m[s[3]]);
      mix(2, 6, 10, 14, m[s[4]], m[s[5]]);
      mix(3, 7, 11, 15, m[s[6]], m[s[7]]);
      mix(0, 5, 10, 15, m[s[8]], m[s[9]]);
      mix(1, 6, 11, 12, m[s[10]], m[s[11]]);
      mix(2, 7, 8, 13, m[s[12]], m[s[13]]);
      mix(3, 4, 9, 14, m[s[14]], m[s[15]]);
    }
    for (int i = 0; i < 8; i++) {
      h[i] ^= v[i] ^ v[i + 8];
    }
  }

  private void mix(int a, int b, int c, int d, long x, long y) {
    long[] v = this.v;
    v[a] += v[b] + x;
    v[d] = Long.rotateRight(v[d] ^ v[a], 32);
    v[c] += v[d];
    v[b] = Long.rotateRight(v[b] ^ v[c], 24);
    v[a] += v[b] + y;
    v[d] = Long.rotateRight(v[d] ^ v[a], 16);
    v[c] += v[d];
    v[b] = Long.rotateRight(v[b] ^ v[c], 63);
  }
}
