package org.genvmimage.cli;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.genvmimage.architecture.DiskSize;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/**
 * Option value types: durations ({@code 90s}, {@code 30m}, {@code 1h30m}, {@code 30d}), memory
 * sizes and byte sizes.
 */
final class Converters {
  private static final Pattern DURATION_PART = Pattern.compile("(\\d+)([dhms]?)");
  private static final Pattern MEMORY = Pattern.compile("(\\d+)([MG]?)(?:i?B)?");

  private Converters() {}

  /**
   * Seconds when no unit is given; else any sequence of {@code <n>d}, {@code <n>h}, {@code <n>m},
   * {@code <n>s}. Zero ({@code 0}, {@code 0s}, {@code 0d}) is a duration too: for {@code cache
   * prune --max-age} it means "everything", as {@code --max-size 0} does.
   */
  static class DurationConverter implements ITypeConverter<Duration> {
    @Override
    public Duration convert(String value) {
      String text = value.trim().toLowerCase(Locale.ROOT);
      Matcher m = DURATION_PART.matcher(text);
      Duration total = Duration.ZERO;
      int end = 0;
      while (m.lookingAt()) {
        long n = Long.parseLong(m.group(1));
        total =
            total.plus(
                switch (m.group(2)) {
                  case "d" -> Duration.ofDays(n);
                  case "h" -> Duration.ofHours(n);
                  case "m" -> Duration.ofMinutes(n);
                  default -> Duration.ofSeconds(n);
                });
        end = m.end();
        m.region(end, text.length());
      }
      if (text.isEmpty() || end != text.length()) {
        throw new TypeConversionException(
            "'" + value + "' is not a duration (e.g. 1800, 90s, 30m, 1h30m, 30d)");
      }
      return total;
    }
  }

  /** A {@link DurationConverter duration} that must be longer than zero (a timeout). */
  static final class PositiveDurationConverter extends DurationConverter {
    @Override
    public Duration convert(String value) {
      Duration d = super.convert(value);
      if (d.isZero()) {
        throw new TypeConversionException(
            "'" + value + "' is no time at all; give a duration above 0 (e.g. 90s, 30m, 1h)");
      }
      return d;
    }
  }

  /** Memory in MiB: {@code 2048}, {@code 2048M}, {@code 2G}. */
  static final class MemoryConverter implements ITypeConverter<Integer> {
    @Override
    public Integer convert(String value) {
      Matcher m = MEMORY.matcher(value.trim().toUpperCase(Locale.ROOT));
      if (!m.matches()) {
        throw new TypeConversionException(
            "'" + value + "' is not a memory size (e.g. 2048, 2048M, 2G)");
      }
      long mib = Long.parseLong(m.group(1)) * (m.group(2).equals("G") ? 1024 : 1);
      if (mib < 128 || mib > 1024 * 1024) {
        throw new TypeConversionException("'" + value + "' is out of range (128 MiB to 1 TiB)");
      }
      return (int) mib;
    }
  }

  /**
   * A size in bytes, read like a disk size ({@link DiskSize#parse}: {@code 500M}, {@code 10G},
   * 1024-based); {@code 0} is allowed.
   */
  static final class SizeConverter implements ITypeConverter<Long> {
    private static final Pattern ZERO =
        Pattern.compile("0+(\\.0+)?\\s*([KMGTPE]?(I?B)?)?", Pattern.CASE_INSENSITIVE);

    @Override
    public Long convert(String value) {
      if (ZERO.matcher(value.strip()).matches()) {
        return 0L;
      }
      try {
        return DiskSize.parse(value).bytes();
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(
            "'" + value + "' is not a size (bytes, or with a 1024-based suffix: 500M, 10G, 1T)");
      }
    }
  }
}
