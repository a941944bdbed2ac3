package org.genvmimage.architecture;

import static org.genvmimage.architecture.NodeText.quote;

import java.net.URI;
import java.nio.file.Path;
import java.util.Locale;
import org.genvmimage.download.Checksums;

/**
 * The checksum of an image as an architecture file writes it: a type, and a value that is either a
 * hex digest of the type's length or {@code file:} and the location of a sums file. Each check
 * throws {@link IllegalArgumentException} with the message to report at the value.
 */
final class ChecksumValues {
  /** What a checksum value is expected to be. */
  static final String VALUE_EXPECTED = "a hex digest, or 'file:' and the URL of a sums file";

  private static final String SUMS_PREFIX = "file:";

  private ChecksumValues() {}

  /** The canonical name of the checksum type {@code text}. */
  static String type(String text) {
    if (!Checksums.isSupported(text)) {
      throw new IllegalArgumentException(
          "unknown checksum type "
              + quote(text.strip())
              + "; supported: "
              + String.join(", ", Checksums.supportedNames()));
    }
    return Checksums.canonicalName(text);
  }

  /**
   * The checksum that {@code text} gives for {@code type}.
   *
   * @param type the canonical checksum type, or null when it is unknown (the value is then checked
   *     as far as it can be, and null returned)
   * @param baseDir the folder a relative sums file path is resolved against
   */
  static ChecksumSpec spec(String type, String text, Path baseDir) {
    String value = text.strip();
    if (value.regionMatches(true, 0, SUMS_PREFIX, 0, SUMS_PREFIX.length())) {
      String sumsLocation = value.substring(SUMS_PREFIX.length());
      if (sumsLocation.isBlank()) {
        throw new IllegalArgumentException(
            "'file:' names no sums file (expected 'file:' and the sums file's URL or path, e.g."
                + " 'file:https://example.org/images/SHA256SUMS')");
      }
      URI sumsFile;
      try {
        sumsFile = Locations.resolve(sumsLocation, baseDir);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("sums file: " + e.getMessage(), e);
      }
      return type == null ? null : ChecksumSpec.ofSumsFile(type, sumsFile);
    }
    String hex = value.toLowerCase(Locale.ROOT);
    if (!ChecksumSpec.isHex(hex)) {
      String digits = type == null ? "hex digits" : Checksums.hexLength(type) + " hex digits";
      throw new IllegalArgumentException(
          quote(value)
              + " is not a hex digest (expected "
              + digits
              + ", or 'file:' and the URL of a sums file)");
    }
    if (type == null) {
      return null;
    }
    int expected = Checksums.hexLength(type);
    if (hex.length() != expected) {
      throw new IllegalArgumentException(
          "a " + type + " digest has " + expected + " hex digits, this value has " + hex.length());
    }
    return ChecksumSpec.ofHex(type, hex);
  }
}
