package org.genvmimage.architecture;

import java.net.URI;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import org.genvmimage.download.Checksums;
import org.genvmimage.download.SumsSignature;

/**
 * How to verify a downloaded image: a checksum type (a Python hashlib name, see {@link Checksums})
 * and either the expected hex digest or a published sums file ({@code SHA256SUMS}, {@code
 * CHECKSUM}, ...) in which to look up the image's file name. Exactly one of {@code hex} and {@code
 * sumsFile} is set; a sums file may be signed ({@code signing}).
 *
 * @param type canonical (lower-case) checksum type
 * @param hex the expected digest in lower-case hex, or {@code null} when {@code sumsFile} is set
 * @param sumsFile where the sums file is ({@code http(s):} or {@code file:}), or {@code null}
 * @param signing the keys that must have signed the sums file, or {@code null} when it need not be
 *     signed
 */
public record ChecksumSpec(String type, String hex, URI sumsFile, SumsSignature signing) {
  public ChecksumSpec {
    Objects.requireNonNull(type, "type");
    if (!Checksums.isSupported(type)) {
      Checksums.newHasher(type); // throws, naming the supported types
    }
    type = Checksums.canonicalName(type);
    if ((hex == null) == (sumsFile == null)) {
      throw new IllegalArgumentException("exactly one of hex and sumsFile must be given");
    }
    if (signing != null && sumsFile == null) {
      throw new IllegalArgumentException("only a sums file can be signed");
    }
    if (hex != null) {
      hex = hex.toLowerCase(Locale.ROOT);
      if (hex.length() != Checksums.hexLength(type) || !isHex(hex)) {
        throw new IllegalArgumentException("'" + hex + "' is not a " + type + " hex digest");
      }
    }
  }

  /** A checksum without a signature. */
  public ChecksumSpec(String type, String hex, URI sumsFile) {
    this(type, hex, sumsFile, null);
  }

  /** A checksum given as its hex digest. */
  public static ChecksumSpec ofHex(String type, String hex) {
    return new ChecksumSpec(type, hex, null);
  }

  /** A checksum to be looked up in a sums file. */
  public static ChecksumSpec ofSumsFile(String type, URI sumsFile) {
    return new ChecksumSpec(type, null, sumsFile);
  }

  /** Whether the digest is to be looked up in {@link #sumsFile()}. */
  public boolean isSumsFile() {
    return sumsFile != null;
  }

  static boolean isHex(String text) {
    return !text.isEmpty() && text.chars().allMatch(HexFormat::isHexDigit);
  }
}
