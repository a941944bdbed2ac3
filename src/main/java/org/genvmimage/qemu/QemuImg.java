package org.genvmimage.qemu;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.DoubleConsumer;
import org.genvmimage.core.GenVmException;

/**
 * The qemu-img operations the pipelines need; {@link RealQemuImg} runs the real tool. Failures are
 * {@link GenVmException}s (TOOL_FAILED, TOOL_MISSING, INTERRUPTED).
 */
public interface QemuImg {
  /**
   * The argument lists this implementation runs, for a dry run to show exactly what a build would
   * run (the real tool builds every command it runs with these).
   */
  default QemuImgCommands commands() {
    return new QemuImgCommands();
  }

  /** Reads the image's metadata; the format is found from the content, never from the name. */
  ImageInfo info(Path image);

  /**
   * Reads the image's metadata as {@code format} ({@link QemuImgCommands#info(Path, String)}), for
   * a format that its content does not show (a fixed VHD); fails when it is not of that format.
   */
  ImageInfo info(Path image, String format);

  /**
   * Writes {@code source} (of {@code sourceFormat}, as {@link #info} found it) to {@code target} as
   * qcow2 compat 1.1, replacing it.
   *
   * @param progressPercent receives 0 to 100 as the copy goes, or null
   */
  void convert(Path source, String sourceFormat, Path target, DoubleConsumer progressPercent);

  /**
   * Writes {@code source} (of {@code sourceFormat}) to {@code target} as {@code targetFormat}, with
   * {@link QemuImgCommands#createOptions}, replacing it.
   *
   * @param progressPercent receives 0 to 100 as the copy goes, or null
   */
  default void convert(
      Path source,
      String sourceFormat,
      Path target,
      String targetFormat,
      DoubleConsumer progressPercent) {
    convert(source, sourceFormat, target, TargetFormat.of(targetFormat), progressPercent);
  }

  /**
   * Writes {@code source} (of {@code sourceFormat}) to {@code target} in {@code to}: its format,
   * subformat and, for qcow2, compressed clusters ({@link QemuImgCommands#convert(Path, String,
   * Path, TargetFormat)}), replacing it.
   *
   * @param progressPercent receives 0 to 100 as the copy goes, or null
   */
  void convert(
      Path source,
      String sourceFormat,
      Path target,
      TargetFormat to,
      DoubleConsumer progressPercent);

  /**
   * Why this qemu-img cannot write images in {@code to} (a compression type it was built without,
   * or that it is too old for), as one line; empty when it can. Asked before anything is
   * downloaded, and asked of the program once per format.
   */
  default Optional<String> cannotWrite(TargetFormat to) {
    return Optional.empty();
  }

  /**
   * Creates a qcow2 overlay whose reads fall through to {@code backing} (of {@code backingFormat});
   * writes go to the overlay only, so the backing image stays as it was.
   */
  void createOverlay(Path overlay, Path backing, String backingFormat);

  /** Creates a blank qcow2 (compat 1.1) disk of {@code bytes}, replacing {@code image}. */
  void create(Path image, long bytes);

  /** Creates a blank disk of {@code format} and {@code bytes}, replacing {@code image}. */
  void create(Path image, String format, long bytes);

  /**
   * Creates a blank disk of {@code format} and {@code bytes} with a backing file, options and
   * secrets ({@link QemuImgCommands#create(Path, String, long, CreateExtras)}), replacing {@code
   * image}.
   */
  default void create(Path image, String format, long bytes, CreateExtras extras) {
    if (!extras.none()) {
      throw new UnsupportedOperationException("create options are not supported here");
    }
    create(image, format, bytes);
  }

  /** Changes format options in place, e.g. {@code compat=1.1}. */
  void amend(Path image, String format, String options);

  /** Sets the virtual size; growing only (qemu-img refuses to shrink without being told). */
  void resize(Path image, String format, long bytes);

  /**
   * The first {@code bytes} of the disk as a guest sees them (fewer when it is smaller), read
   * through qemu-img in the image's {@code format}, never as the file's own bytes.
   */
  byte[] head(Path image, String format, int bytes);

  /** Checks the image's consistency; corrupt and error results are returned, not thrown. */
  CheckResult check(Path image, String format);

  /** Checks an image made with {@code extras}: an encrypted one is opened with its secret. */
  default CheckResult check(Path image, String format, CreateExtras extras) {
    if (extras.encryptionSecret() != null) {
      throw new UnsupportedOperationException("encrypted images are not supported here");
    }
    return check(image, format);
  }
}
