package org.genvmimage.console;

import java.time.Duration;
import java.util.Locale;

/** Human-readable sizes, rates and durations (binary units, as qemu-img prints them). */
public final class Units {
  private static final String[] UNITS = {"B", "KiB", "MiB", "GiB", "TiB", "PiB"};

  private Units() {}

  public static String bytes(long bytes) {
    if (bytes < 1024) {
      return bytes + " B";
    }
    double value = bytes;
    int unit = 0;
    while (value >= 1024 && unit < UNITS.length - 1) {
      value /= 1024;
      unit++;
    }
    String number =
        value == Math.rint(value)
            ? String.valueOf((long) value)
            : String.format(Locale.ROOT, value < 10 ? "%.2f" : "%.1f", value);
    return number + " " + UNITS[unit];
  }

  public static String rate(double bytesPerSecond) {
    return bytes((long) bytesPerSecond) + "/s";
  }

  public static String duration(Duration d) {
    long millis = d.toMillis();
    if (millis < 10_000) {
      return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
    }
    long seconds = Math.round(millis / 1000.0);
    if (seconds < 120) {
      return seconds + " s";
    }
    return String.format(Locale.ROOT, "%d min %02d s", seconds / 60, seconds % 60);
  }
}
