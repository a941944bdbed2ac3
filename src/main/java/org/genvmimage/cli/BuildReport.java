package org.genvmimage.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.genvmimage.architecture.ImageSpec;
import org.genvmimage.image.ImageBuild;
import org.genvmimage.image.ImagePlan;
import org.genvmimage.image.ImageResult;
import org.genvmimage.qemu.ImageInfo;

/** The per-image parts of {@code gen-vm-image --output json} (see the README for each field). */
final class BuildReport {
  private BuildReport() {}

  /** One image: how its build ended, or with --dry-run, its plan. */
  record Image(
      String key,
      String name,
      String version,
      String outputPath,
      String sourceUrl,
      Checksum checksum,
      boolean cacheHit,
      String format,
      Long virtualSize,
      long bytesDownloaded,
      double seconds,
      String status,
      int exitCode,
      String error,
      @JsonInclude(JsonInclude.Include.NON_NULL) Plan plan) {}

  /** The expected checksum; {@code sums_file} is the sums file it was looked up in, or null. */
  record Checksum(String type, String value, String sumsFile) {}

  /** What a dry run found a build would do. */
  record Plan(
      String action,
      String checksumFrom,
      String checksumRecordedAt,
      String source,
      String sourcePath,
      long resumeBytes,
      String sourceFormat,
      Long sourceVirtualSize,
      String tempPath,
      List<List<String>> commands,
      String materialize,
      String owner,
      Boolean ownerExists) {}

  /** The GoCD config file: where, and whether this run wrote it. */
  record GocdConfig(String path, boolean written) {}

  static Image of(ImageSpec spec, ImageResult r) {
    String status;
    if (r.outcome() == ImageBuild.Outcome.SKIPPED) {
      status = "skipped";
    } else if (r.failed()) {
      status = "failed";
    } else {
      status = r.outcome() == ImageBuild.Outcome.UP_TO_DATE ? "up_to_date" : "built";
    }
    ImageInfo info = r.outputInfo();
    return new Image(
        spec.key(),
        spec.name(),
        spec.version(),
        absolute(r.output()),
        spec.source().toString(),
        checksum(spec, r.checksumHex()),
        r.cacheHit(),
        info == null ? null : info.format(),
        info == null ? null : info.virtualSize(),
        r.bytesDownloaded(),
        seconds(r.elapsed()),
        status,
        r.exitCode(),
        r.failed() ? JsonReport.oneLine(r.error().getMessage()) : null,
        null);
  }

  static Image of(ImageSpec spec, ImagePlan p) {
    ImageInfo source = p.sourceInfo();
    String format = null;
    Long virtualSize = null;
    if (p.outputInfo() != null) {
      format = p.outputInfo().format();
      virtualSize = p.outputInfo().virtualSize();
    } else if (!p.failed()) {
      format = "qcow2";
      virtualSize = spec.size().bytes();
    }
    Plan plan =
        new Plan(
            name(p.action()),
            name(p.checksumOrigin()),
            p.checksumRecordedAt() == null ? null : p.checksumRecordedAt().toString(),
            name(p.source()),
            p.sourcePath() == null ? null : p.sourcePath().toString(),
            p.resumeBytes(),
            source == null ? null : source.format(),
            source == null ? null : source.virtualSize(),
            p.temp() == null ? null : p.temp().toString(),
            p.commands(),
            p.materialize(),
            p.owner(),
            p.ownerExists());
    return new Image(
        spec.key(),
        spec.name(),
        spec.version(),
        absolute(p.output()),
        spec.source().toString(),
        checksum(spec, p.checksumHex()),
        p.source() == ImagePlan.Source.CACHE,
        format,
        virtualSize,
        0,
        seconds(p.elapsed()),
        p.failed() ? "failed" : "planned",
        p.exitCode(),
        p.failed() ? JsonReport.oneLine(p.error().getMessage()) : null,
        plan);
  }

  private static Checksum checksum(ImageSpec spec, String hex) {
    String value = hex != null ? hex : spec.checksum().hex();
    return new Checksum(
        spec.checksum().type(),
        value,
        spec.checksum().sumsFile() == null ? null : spec.checksum().sumsFile().toString());
  }

  /** An enum constant as a JSON value: lower case, or null. */
  static String name(Enum<?> value) {
    return value == null ? null : value.name().toLowerCase(Locale.ROOT);
  }

  private static String absolute(Path path) {
    return path.toAbsolutePath().normalize().toString();
  }

  private static double seconds(Duration d) {
    return Math.round(d.toNanos() / 1e6) / 1e3;
  }
}
