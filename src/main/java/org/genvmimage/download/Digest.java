package org.genvmimage.download;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A digest: its type, the canonical (lower-case hashlib) name, and its value, lower-case hex of the
 * length that type produces. Written {@code type:hex}.
 */
public record Digest(String type, String hex) {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

  /**
   * Normalises both parts.
   *
   * @throws IllegalArgumentException for an unknown type, or a value that is not hex of the type's
   *     length
   */
  public Digest {
    if (!Checksums.isSupported(type)) {
      throw new IllegalArgumentException(Checksums.unknownType(type));
    }
    type = Checksums.canonicalName(type);
    String value = hex == null ? "" : hex.trim().toLowerCase(Locale.ROOT);
    int length = Checksums.hexLength(type);
    if (value.length() != length || !HEX.matcher(value).matches()) {
      throw new IllegalArgumentException(
          "'" + hex + "' is not a " + type + " digest (" + length + " hex digits)");
    }
    hex = value;
  }

  @Override
  public String toString() {
    return type + ":" + hex;
  }
}
