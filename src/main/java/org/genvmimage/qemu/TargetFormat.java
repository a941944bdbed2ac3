package org.genvmimage.qemu;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The format an image is written in by {@code qemu-img convert} or {@code create}: the format, its
 * subformat and the compression of its clusters.
 *
 * @param format the format, as qemu-img names it ({@code qcow2}, {@code raw}, {@code vmdk}, ...)
 * @param subformat qemu-img's {@code subformat} option ({@code streamOptimized} for vmdk, {@code
 *     fixed} for vpc or vhdx, ...), or null for the default of {@link
 *     QemuImgCommands#createOptions}
 * @param compression the compression type of a qcow2 image's clusters ({@code zlib} or {@code
 *     zstd}), written by {@code convert -c}; null for uncompressed clusters
 */
public record TargetFormat(String format, String subformat, String compression) {
  /** The compression type that qcow2 images have always had, and that needs no option. */
  public static final String ZLIB = "zlib";

  /** A value that cannot add an option of its own to the {@code -o} list. */
  private static final Pattern OPTION_VALUE = Pattern.compile("[A-Za-z][A-Za-z0-9_]*");

  public TargetFormat {
    Objects.requireNonNull(format, "format");
    if (subformat != null && !OPTION_VALUE.matcher(subformat).matches()) {
      throw new IllegalArgumentException("bad subformat: " + subformat);
    }
    if (compression != null && !OPTION_VALUE.matcher(compression).matches()) {
      throw new IllegalArgumentException("bad compression type: " + compression);
    }
    if (compression != null && !QemuImgCommands.QCOW2.equals(format)) {
      throw new IllegalArgumentException(format + " images have no compressed clusters");
    }
  }

  /** {@code format} with its default options, uncompressed. */
  public static TargetFormat of(String format) {
    return new TargetFormat(format, null, null);
  }

  /** Whether {@code convert -c} writes the clusters compressed. */
  public boolean compressed() {
    return compression != null;
  }

  /**
   * The {@code -o} options: those of {@link QemuImgCommands#createOptions} with the subformat given
   * instead of the default one (a vpc keeps {@code force_size=on}), and {@code
   * compression_type=zstd} for zstd clusters. zlib is qcow2's default compression type and is
   * written without the option, which qemu-img before 5.1 does not know.
   */
  public String options() {
    String options = QemuImgCommands.createOptions(format);
    if (subformat != null) {
      String chosen = "subformat=" + subformat;
      options =
          options.contains("subformat=")
              ? options.replaceFirst("subformat=[^,]*", chosen)
              : options.isEmpty() ? chosen : chosen + "," + options;
    }
    if (compression != null && !ZLIB.equals(compression)) {
      options += (options.isEmpty() ? "" : ",") + "compression_type=" + compression;
    }
    return options;
  }

  /** For messages: {@code qcow2}, {@code qcow2 (zstd-compressed)}, {@code vpc (fixed)}. */
  @Override
  public String toString() {
    if (compression != null) {
      return format + " (" + compression + "-compressed)";
    }
    return subformat == null ? format : format + " (" + subformat + ")";
  }
}
