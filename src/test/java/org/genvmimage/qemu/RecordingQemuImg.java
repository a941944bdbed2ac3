package org.genvmimage.qemu;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.DoubleConsumer;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/**
 * A {@link QemuImg} for unit tests: records each call as a line such as {@code "convert /a raw
 * /b"}, keeps the info of the images it has "written", and fails the operations it is told to.
 *
 * <p>{@code info} returns what {@link #withImage} set or what an earlier convert, amend or resize
 * left, else the default (qcow2, 1 GiB, compat 1.1); {@code convert} copies the source file to the
 * target (an empty target when there is no source) and reports progress 0, 50 and 100.
 */
public class RecordingQemuImg implements QemuImg {
  /** The info returned for images nobody described. */
  public static final ImageInfo DEFAULT_INFO =
      new ImageInfo("qcow2", 1L << 30, 1L << 20, "1.1", null, false);

  private final List<String> calls = new CopyOnWriteArrayList<>();
  private final Map<Path, ImageInfo> images = new ConcurrentHashMap<>();
  private final Map<String, GenVmException> failures = new ConcurrentHashMap<>();
  private volatile ImageInfo defaultInfo = DEFAULT_INFO;
  private volatile CheckResult checkResult =
      new CheckResult(CheckResult.Status.CLEAN, 0, 0, "no errors found");

  /** What {@code info(image)} returns from now on. */
  public RecordingQemuImg withImage(Path image, ImageInfo info) {
    images.put(image, info);
    return this;
  }

  /** What {@code info} returns for images not otherwise described. */
  public RecordingQemuImg withDefaultInfo(ImageInfo info) {
    defaultInfo = info;
    return this;
  }

  /** What {@code check} returns. */
  public RecordingQemuImg withCheckResult(CheckResult result) {
    checkResult = result;
    return this;
  }

  /**
   * Makes an operation ("info", "convert", "amend", "resize", "check") fail with TOOL_FAILED, as
   * the real one does when qemu-img exits non-zero.
   */
  public RecordingQemuImg failOn(String operation) {
    return failOn(
        operation,
        new GenVmException(
            ExitCode.TOOL_FAILED.code(),
            "qemu-img " + operation + " failed with exit code 1: qemu-img: simulated failure"));
  }

  /** Makes an operation throw this exception (e.g. TOOL_MISSING or INTERRUPTED). */
  public RecordingQemuImg failOn(String operation, GenVmException failure) {
    failures.put(operation, failure);
    return this;
  }

  /** The calls so far, in order, e.g. {@code "resize /out/x.qcow2 qcow2 10737418240"}. */
  public List<String> calls() {
    return List.copyOf(calls);
  }

  /** What {@code info(image)} would return now, without recording a call. */
  public ImageInfo currentInfo(Path image) {
    return images.getOrDefault(image, defaultInfo);
  }

  @Override
  public ImageInfo info(Path image) {
    record("info", "info " + image);
    return currentInfo(image);
  }

  @Override
  public ImageInfo info(Path image, String format) {
    record("info", "info " + image + " " + format);
    return currentInfo(image);
  }

  @Override
  public void convert(Path source, String sourceFormat, Path target, DoubleConsumer progress) {
    convert(source, sourceFormat, target, "qcow2", progress);
  }

  @Override
  public void convert(
      Path source, String sourceFormat, Path target, TargetFormat to, DoubleConsumer progress) {
    String targetFormat = to.format();
    record(
        "convert",
        "convert "
            + source
            + " "
            + sourceFormat
            + " "
            + target
            + ("qcow2".equals(targetFormat) ? "" : " " + targetFormat));
    try {
      if (Files.exists(source)) {
        Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
      } else {
        Files.write(target, new byte[0]);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (progress != null) {
      progress.accept(0);
      progress.accept(50);
      progress.accept(100);
    }
    ImageInfo from = currentInfo(source);
    images.put(
        target,
        new ImageInfo(
            targetFormat,
            from.virtualSize(),
            from.actualSize(),
            "qcow2".equals(targetFormat) ? "1.1" : null,
            null,
            false));
  }

  @Override
  public void amend(Path image, String format, String options) {
    record("amend", "amend " + image + " " + format + " " + options);
    ImageInfo i = currentInfo(image);
    for (String option : options.split(",")) {
      if (option.startsWith("compat=")) {
        String compat = option.substring("compat=".length()).replace("v3", "1.1");
        i =
            new ImageInfo(
                i.format(),
                i.virtualSize(),
                i.actualSize(),
                compat,
                i.backingFile(),
                i.encrypted());
      }
    }
    images.put(image, i);
  }

  @Override
  public void resize(Path image, String format, long bytes) {
    record("resize", "resize " + image + " " + format + " " + bytes);
    ImageInfo i = currentInfo(image);
    images.put(
        image,
        new ImageInfo(
            i.format(), bytes, i.actualSize(), i.compat(), i.backingFile(), i.encrypted()));
  }

  @Override
  public void createOverlay(Path overlay, Path backing, String backingFormat) {
    record("createOverlay", "createOverlay " + overlay + " " + backing + " " + backingFormat);
    ImageInfo b = currentInfo(backing);
    images.put(
        overlay, new ImageInfo("qcow2", b.virtualSize(), 0, "1.1", backing.toString(), false));
  }

  @Override
  public void create(Path image, long bytes) {
    create(image, "qcow2", bytes);
  }

  @Override
  public void create(Path image, String format, long bytes) {
    record(
        "create", "create " + image + ("qcow2".equals(format) ? "" : " " + format) + " " + bytes);
    images.put(
        image, new ImageInfo(format, bytes, 0, "qcow2".equals(format) ? "1.1" : null, null, false));
  }

  /**
   * Records {@code "create <image> <format> <bytes> [b=<backing> F=<format>] [o=<options>]
   * [secrets=<ids>]"}; the image gets the backing file it names.
   */
  @Override
  public void create(Path image, String format, long bytes, CreateExtras extras) {
    if (extras.none()) {
      create(image, format, bytes);
      return;
    }
    StringBuilder call = new StringBuilder("create " + image + " " + format + " " + bytes);
    if (extras.backingFile() != null) {
      call.append(" b=").append(extras.backingFile()).append(" F=").append(extras.backingFormat());
    }
    if (extras.options() != null) {
      call.append(" o=").append(extras.options());
    }
    if (!extras.secrets().isEmpty()) {
      call.append(" secrets=")
          .append(
              String.join(",", extras.secrets().stream().map(CreateExtras.Secret::id).toList()));
    }
    record("create", call.toString());
    images.put(
        image,
        new ImageInfo(
            format,
            bytes,
            0,
            "qcow2".equals(format) ? "1.1" : null,
            extras.backingFile(),
            extras.encryptionSecret() != null));
  }

  /** Records {@code "check <image> <format> secret=<id>"} for an encrypted image. */
  @Override
  public CheckResult check(Path image, String format, CreateExtras extras) {
    if (extras.encryptionSecret() == null) {
      return check(image, format);
    }
    record("check", "check " + image + " " + format + " secret=" + extras.encryptionSecret());
    return checkResult;
  }

  @Override
  public CheckResult check(Path image, String format) {
    record("check", "check " + image + " " + format);
    return checkResult;
  }

  /** The file's own first bytes (the fake reads every image as raw). */
  @Override
  public byte[] head(Path image, String format, int bytes) {
    record("head", "head " + image + " " + format + " " + bytes);
    try (java.io.InputStream in = Files.newInputStream(image)) {
      return in.readNBytes(bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void record(String operation, String call) {
    calls.add(call);
    GenVmException failure = failures.get(operation);
    if (failure != null) {
      throw failure;
    }
  }
}
