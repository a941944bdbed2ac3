package org.genvmimage.download;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.bouncycastle.crypto.digests.Blake2bDigest;
import org.bouncycastle.crypto.digests.Blake2sDigest;

/** The checksum types of the architecture file: Python hashlib names mapped to digests. */
public final class Checksums {
  private static final Map<String, Supplier<Hasher>> ALGORITHMS = new LinkedHashMap<>();

  static {
    jdk("md5", "MD5");
    jdk("sha1", "SHA-1");
    jdk("sha224", "SHA-224");
    jdk("sha256", "SHA-256");
    jdk("sha384", "SHA-384");
    jdk("sha512", "SHA-512");
    jdk("sha512_224", "SHA-512/224");
    jdk("sha512_256", "SHA-512/256");
    jdk("sha3_224", "SHA3-224");
    jdk("sha3_256", "SHA3-256");
    jdk("sha3_384", "SHA3-384");
    jdk("sha3_512", "SHA3-512");
    // hashlib's defaults: BLAKE2b with a 64-byte digest, BLAKE2s with a 32-byte one, unkeyed.
    ALGORITHMS.put("blake2b", () -> new DigestHasher(new Blake2bDigest(512)));
    ALGORITHMS.put("blake2s", () -> new DigestHasher(new Blake2sDigest(256)));
  }

  private Checksums() {}

  private static void jdk(String name, String jdkName) {
    ALGORITHMS.put(name, () -> new JdkHasher(jdkName));
  }

  /** The supported names, in the order the documentation lists them. */
  public static List<String> supportedNames() {
    return List.copyOf(ALGORITHMS.keySet());
  }

  /** The canonical (lower-case hashlib) spelling of a type name. */
  public static String canonicalName(String name) {
    return name.trim().toLowerCase(Locale.ROOT);
  }

  public static boolean isSupported(String name) {
    return name != null && ALGORITHMS.containsKey(canonicalName(name));
  }

  /**
   * A new hasher for a hashlib name (case-insensitive).
   *
   * @throws IllegalArgumentException naming the supported types when the name is unknown
   */
  public static Hasher newHasher(String name) {
    Supplier<Hasher> supplier = name == null ? null : ALGORITHMS.get(canonicalName(name));
    if (supplier == null) {
      throw new IllegalArgumentException(unknownType(String.valueOf(name)));
    }
    return supplier.get();
  }

  /**
   * The message for an unknown type: "unknown checksum type 'x'; supported: ...", without the
   * quoted name when it is null.
   */
  public static String unknownType(String name) {
    return "unknown checksum type"
        + (name == null ? "" : " '" + name + "'")
        + "; supported: "
        + String.join(", ", supportedNames());
  }

  /** Length of the hex digest that the named type produces. */
  public static int hexLength(String name) {
    return newHasher(name).hexDigest().length();
  }

  private static final class JdkHasher implements Hasher {
    private final MessageDigest digest;

    JdkHasher(String jdkName) {
      try {
        digest = MessageDigest.getInstance(jdkName);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("the JDK lacks " + jdkName, e);
      }
    }

    @Override
    public void update(byte[] bytes, int offset, int length) {
      digest.update(bytes, offset, length);
    }

    @Override
    public void update(ByteBuffer buffer) {
      digest.update(buffer);
    }

    @Override
    public String hexDigest() {
      return HexFormat.of().formatHex(digest.digest());
    }
  }
}
