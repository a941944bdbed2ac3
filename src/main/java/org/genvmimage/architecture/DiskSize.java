package org.genvmimage.architecture;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The virtual size of a disk image, in bytes.
 *
 * <p>{@link #parse(String)} reads sizes the way {@code qemu-img} does: a whole number of bytes, or
 * a number with one of the binary (1024-based) suffixes {@code K}, {@code M}, {@code G}, {@code T},
 * {@code P}, {@code E}, in either case. Beyond {@code qemu-img} it also accepts a trailing {@code
 * B} or {@code iB} after the suffix ({@code 10GB}, {@code 10GiB}); these are 1024-based too, so
 * {@code 10G}, {@code 10GB} and {@code 10GiB} are the same size. A bare {@code B} means bytes. A
 * decimal fraction is accepted with a suffix ({@code 1.5G}); the result is rounded down to whole
 * bytes, as {@code qemu-img} does. Spaces between number and suffix are allowed.
 */
public record DiskSize(long bytes) {
  private static final Pattern SIZE = Pattern.compile("(\\d+)(?:\\.(\\d+))?\\s*([A-Za-z]*)");
  private static final String UNITS = "KMGTPE";
  private static final String EXPECTED =
      "expected bytes, or a number with a 1024-based suffix K, M, G, T, P or E, e.g. '10G'";

  public DiskSize {
    if (bytes <= 0) {
      throw new IllegalArgumentException("disk size must be greater than 0, got " + bytes);
    }
  }

  /**
   * Parses a size such as {@code 10G}, {@code 512M}, {@code 1.5T} or {@code 20000000000}.
   *
   * @throws IllegalArgumentException saying what is wrong and what is expected
   */
  public static DiskSize parse(String text) {
    String trimmed = text.strip();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("disk size is empty (" + EXPECTED + ")");
    }
    if (trimmed.startsWith("-")) {
      throw new IllegalArgumentException(
          "disk size '" + trimmed + "' is negative (expected a size greater than 0)");
    }
    Matcher matcher = SIZE.matcher(trimmed);
    if (!matcher.matches()) {
      throw new IllegalArgumentException("invalid disk size '" + trimmed + "' (" + EXPECTED + ")");
    }
    long multiplier = multiplier(trimmed, matcher.group(3));
    String fraction = matcher.group(2);
    if (fraction != null && multiplier == 1) {
      throw new IllegalArgumentException(
          "disk size '"
              + trimmed
              + "' is a fraction of a byte (expected a whole number of bytes,"
              + " or a suffix such as '1.5G')");
    }
    BigDecimal number = new BigDecimal(matcher.group(1) + (fraction == null ? "" : "." + fraction));
    BigDecimal bytes =
        number.multiply(BigDecimal.valueOf(multiplier)).setScale(0, RoundingMode.DOWN);
    if (bytes.compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException(
          "disk size '" + trimmed + "' is too large (at most " + Long.MAX_VALUE + " bytes)");
    }
    if (bytes.signum() == 0) {
      throw new IllegalArgumentException(
          "disk size '" + trimmed + "' is zero (expected a size greater than 0)");
    }
    return new DiskSize(bytes.longValueExact());
  }

  private static long multiplier(String text, String suffix) {
    String unit = suffix.toUpperCase(Locale.ROOT);
    if (unit.isEmpty() || unit.equals("B")) {
      return 1;
    }
    int power = UNITS.indexOf(unit.charAt(0)) + 1;
    String rest = unit.substring(1);
    if (power == 0 || !(rest.isEmpty() || rest.equals("B") || rest.equals("IB"))) {
      throw new IllegalArgumentException(
          "unknown size suffix '" + suffix + "' in '" + text + "' (" + EXPECTED + ")");
    }
    return 1L << (10 * power);
  }

  /** The size in the largest unit that holds it exactly: {@code 10G}, {@code 1536M}, or bytes. */
  @Override
  public String toString() {
    for (int power = UNITS.length(); power > 0; power--) {
      int shift = 10 * power;
      if (bytes % (1L << shift) == 0) {
        return (bytes >> shift) + UNITS.substring(power - 1, power);
      }
    }
    return Long.toString(bytes);
  }
}
