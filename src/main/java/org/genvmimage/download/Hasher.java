package org.genvmimage.download;

import java.nio.ByteBuffer;

/** An incremental digest that yields lower-case hex, as hashlib's {@code hexdigest()}. */
public interface Hasher {
  void update(byte[] bytes, int offset, int length);

  /** Consumes the buffer's remaining bytes. */
  void update(ByteBuffer buffer);

  /** The digest of everything fed so far, lower-case hex; the hasher must not be used after. */
  String hexDigest();
}
