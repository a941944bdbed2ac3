package org.genvmimage.qemu;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Pure builders of {@code qemu-img} argument lists.
 *
 * <p>Only {@link #info} lets qemu-img probe the format; every other command is given {@code -f}
 * with the format that info found, because probing is unsafe (a raw image whose first bytes look
 * like another format would be read as that format). Image locks are respected (no {@code -U}): an
 * image in use by a running VM fails with qemu-img's "Is another process using the image?" instead
 * of reading data that is changing. Image paths are passed so that qemu-img can read them neither
 * as options nor as {@code protocol:} names: relative ones get a leading {@code ./}.
 */
public final class QemuImgCommands {
  /** The program name looked up on the PATH. */
  public static final String DEFAULT_EXECUTABLE = "qemu-img";

  /** The format images are built in (unless raw is wanted), and the default output format. */
  public static final String QCOW2 = "qcow2";

  /** The qcow2 version written: 1.1 (v3), which every supported QEMU reads. */
  public static final String COMPAT = "1.1";

  private static final Pattern FORMAT = Pattern.compile("[a-z][a-z0-9_-]*");

  private final String executable;

  public QemuImgCommands() {
    this(DEFAULT_EXECUTABLE);
  }

  public QemuImgCommands(String executable) {
    this.executable = Objects.requireNonNull(executable);
  }

  /** The program run: {@code qemu-img}, or the one configured. */
  public String executable() {
    return executable;
  }

  /** {@code qemu-img info --output=json <image>}: probes the format from the content. */
  public List<String> info(Path image) {
    return List.of(executable, "info", "--output=json", file(image));
  }

  /**
   * {@code qemu-img info --output=json -f <fmt> <image>}: reads the image as {@code format}, for an
   * image that probing cannot tell (a fixed VHD has its only mark in its last sector, and probes as
   * raw); it fails when the image is not of that format.
   */
  public List<String> info(Path image, String format) {
    return List.of(executable, "info", "--output=json", "-f", format(format), file(image));
  }

  /**
   * {@code qemu-img convert -p -f <fmt> -O qcow2 -o compat=1.1 <src> <dst>}, with progress on
   * stdout. Not {@code -W}: out-of-order writes fragment a qcow2 file and are meant for
   * preallocated raw targets.
   */
  public List<String> convert(Path source, String sourceFormat, Path target) {
    return convert(source, sourceFormat, target, QCOW2);
  }

  /**
   * {@code qemu-img convert -p -f <fmt> -O <target format> [-o <options>] <src> <dst>}, with the
   * options of {@link #createOptions}. A raw target is written sparse (zeroes are skipped).
   */
  public List<String> convert(Path source, String sourceFormat, Path target, String targetFormat) {
    return convert(source, sourceFormat, target, TargetFormat.of(targetFormat));
  }

  /**
   * {@code qemu-img convert -p -f <fmt> -O <target format> [-c] [-o <options>] <src> <dst>}, with
   * the target's {@link TargetFormat#options}; {@code -c} writes compressed clusters.
   */
  public List<String> convert(Path source, String sourceFormat, Path target, TargetFormat to) {
    List<String> command =
        new ArrayList<>(
            List.of(
                executable,
                "convert",
                "-p",
                "-f",
                format(sourceFormat),
                "-O",
                format(to.format())));
    if (to.compressed()) {
      command.add("-c");
    }
    String options = to.options();
    if (!options.isEmpty()) {
      command.add("-o");
      command.add(options);
    }
    command.add(file(source));
    command.add(file(target));
    return List.copyOf(command);
  }

  /**
   * The options a new image of {@code format} is written with: {@code compat=1.1} for qcow2, a
   * growing single-file {@code monolithicSparse} vmdk, a {@code dynamic} vpc (VHD) with {@code
   * force_size=on} so that its virtual size is exactly the one asked for (not rounded to a disk
   * geometry), none for raw and vhdx (dynamic by default).
   */
  public static String createOptions(String format) {
    return switch (format) {
      case QCOW2 -> "compat=" + COMPAT;
      case "vmdk" -> "subformat=monolithicSparse";
      case "vpc" -> "subformat=dynamic,force_size=on";
      default -> "";
    };
  }

  /**
   * {@code qemu-img create -f qcow2 -o compat=1.1 -b <backing> -F <fmt> <overlay>}; the backing
   * path is made absolute so the overlay does not depend on the working folder.
   */
  public List<String> createOverlay(Path overlay, Path backing, String backingFormat) {
    return List.of(
        executable,
        "create",
        "-q",
        "-f",
        QCOW2,
        "-o",
        "compat=" + COMPAT,
        "-b",
        backing.toAbsolutePath().toString(),
        "-F",
        format(backingFormat),
        file(overlay));
  }

  /** {@code qemu-img create -q -f qcow2 -o compat=1.1 <image> <bytes>}: a new blank disk. */
  public List<String> create(Path image, long bytes) {
    return create(image, QCOW2, bytes);
  }

  /**
   * {@code qemu-img create -q -f <format> [-o <options>] <image> <bytes>}: a new blank disk, with
   * the options of {@link #createOptions}.
   */
  public List<String> create(Path image, String imageFormat, long bytes) {
    return create(image, TargetFormat.of(imageFormat), bytes);
  }

  /**
   * {@code qemu-img create -q -f <format> [-o <options>] <image> <bytes>}, with the target's {@link
   * TargetFormat#options} (a compression type is the one its clusters would be compressed with).
   */
  public List<String> create(Path image, TargetFormat to, long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("size must be positive: " + bytes);
    }
    List<String> command =
        new ArrayList<>(List.of(executable, "create", "-q", "-f", format(to.format())));
    String options = to.options();
    if (!options.isEmpty()) {
      command.add("-o");
      command.add(options);
    }
    command.add(file(image));
    command.add(Long.toString(bytes));
    return List.copyOf(command);
  }

  /**
   * {@code qemu-img create -q [--object secret,...] -f <format> [-o <options>] [-o <extra options>]
   * [-b <backing> -F <backing format>] <image> <bytes>}: a new blank disk, with the options of
   * {@link #createOptions} and then the extras (so an extra option given twice wins).
   */
  public List<String> create(Path image, String imageFormat, long bytes, CreateExtras extras) {
    if (extras.none()) {
      return create(image, imageFormat, bytes);
    }
    if (bytes <= 0) {
      throw new IllegalArgumentException("size must be positive: " + bytes);
    }
    List<String> command = new ArrayList<>(List.of(executable, "create", "-q"));
    command.addAll(extras.objects());
    command.add("-f");
    command.add(format(imageFormat));
    String options = createOptions(imageFormat);
    if (!options.isEmpty()) {
      command.add("-o");
      command.add(options);
    }
    if (extras.options() != null) {
      command.add("-o");
      command.add(extras.options());
    }
    if (extras.backingFile() != null) {
      command.add("-b");
      command.add(extras.backingFile());
      command.add("-F");
      command.add(format(extras.backingFormat()));
    }
    command.add(file(image));
    command.add(Long.toString(bytes));
    return List.copyOf(command);
  }

  /**
   * {@code qemu-img check} of an image made with {@code extras}: an encrypted one is opened with
   * its secret ({@code --object secret,... --image-opts driver=<fmt>,file.filename=<image>,
   * encrypt.key-secret=<id>}); any other as {@link #check(Path, String)}.
   */
  public List<String> check(Path image, String format, CreateExtras extras) {
    if (extras.encryptionSecret() == null) {
      return check(image, format);
    }
    List<String> command = new ArrayList<>(List.of(executable, "check", "--output=json"));
    command.addAll(extras.objects());
    command.add("--image-opts");
    command.add(
        "driver="
            + format(format)
            + ",file.filename="
            + CreateExtras.escape(file(image))
            + ",encrypt.key-secret="
            + extras.encryptionSecret());
    return List.copyOf(command);
  }

  /** {@code qemu-img amend -f <fmt> -o <options> <image>}, e.g. options {@code compat=1.1}. */
  public List<String> amend(Path image, String format, String options) {
    if (options.isBlank() || options.startsWith("-")) {
      throw new IllegalArgumentException("bad amend options: " + options);
    }
    return List.of(executable, "amend", "-f", format(format), "-o", options, file(image));
  }

  /** {@code qemu-img resize -f <fmt> <image> <bytes>}; shrinking fails (no {@code --shrink}). */
  public List<String> resize(Path image, String format, long bytes) {
    if (bytes <= 0) {
      throw new IllegalArgumentException("size must be positive: " + bytes);
    }
    return List.of(executable, "resize", "-f", format(format), file(image), Long.toString(bytes));
  }

  /** {@code qemu-img check --output=json -f <fmt> <image>}: reports, never repairs. */
  public List<String> check(Path image, String format) {
    return List.of(executable, "check", "--output=json", "-f", format(format), file(image));
  }

  /**
   * {@code qemu-img dd -f <fmt> -O raw bs=<bytes> count=1 if=<image> of=<target>}: the first bytes
   * of the disk as a guest sees them, as a raw file (fewer when the disk is smaller).
   */
  public List<String> head(Path image, String format, Path target, int bytes) {
    if (bytes <= 0 || bytes % 512 != 0) {
      throw new IllegalArgumentException("bytes must be a positive multiple of 512: " + bytes);
    }
    return List.of(
        executable,
        "dd",
        "-f",
        format(format),
        "-O",
        "raw",
        "bs=" + bytes,
        "count=1",
        "if=" + file(image),
        "of=" + file(target));
  }

  /** The path as qemu-img must see it: absolute, or relative with a leading {@code ./}. */
  static String file(Path path) {
    String name = path.toString();
    if (name.isEmpty()) {
      throw new IllegalArgumentException("empty image path");
    }
    return path.isAbsolute() || name.startsWith("./") || name.startsWith("../")
        ? name
        : "./" + name;
  }

  private static String format(String format) {
    if (format == null || !FORMAT.matcher(format).matches()) {
      throw new IllegalArgumentException("bad image format name: " + format);
    }
    return format;
  }
}
