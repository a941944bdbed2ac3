package org.genvmimage.cli;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.genvmimage.architecture.CreateOptions;
import org.genvmimage.architecture.ImageSpec;
import org.genvmimage.download.Digest;
import org.genvmimage.image.ImageBuild;
import org.genvmimage.image.ImagePlan;
import org.genvmimage.image.ImageResult;
import org.genvmimage.qemu.ImageInfo;

/** The per-image parts of {@code gen-vm-image --output json} (see docs/json.rst for each field). */
final class BuildReport {
  private BuildReport() {}

  /**
   * One image: how its build ended, or with --dry-run, its plan. The groups are written as fields
   * of the image itself, in this order.
   */
  record Image(
      @JsonUnwrapped Id id,
      @JsonUnwrapped Paths paths,
      Checksum checksum,
      @JsonUnwrapped Made made,
      @JsonUnwrapped Outcome outcome,
      @JsonInclude(JsonInclude.Include.NON_NULL) Plan plan) {}

  /** Which image: its key in the architecture file, name and version. */
  record Id(String key, String name, String version) {}

  /**
   * Where the image goes and where its base image comes from: the URL that served it (null for a
   * blank disk), its compression ({@code xz}, ...) or null, and, for a mirror list, every URL in
   * order.
   */
  record Paths(
      String outputPath,
      String sourceUrl,
      String sourceCompression,
      @JsonInclude(JsonInclude.Include.NON_NULL) List<String> mirrors,
      @JsonInclude(JsonInclude.Include.NON_NULL) Create createOptions) {
    static Paths of(Path output, ImageSpec spec, URI served, String compression) {
      URI source = served != null ? served : spec.source();
      List<String> mirrors =
          spec.sources().size() > 1 ? spec.sources().stream().map(URI::toString).toList() : null;
      CreateOptions create = spec.create();
      return new Paths(
          absolute(output),
          source == null ? null : source.toString(),
          compression,
          mirrors,
          create == null
              ? null
              : new Create(
                  create.backingFile(),
                  create.backingFormat(),
                  create.options(),
                  create.secrets()));
    }
  }

  /**
   * A blank disk's {@code extra_kwargs} as passed to qemu-img create: the backing file (as written)
   * and its format, the {@code -o} options, and the ids of the secrets they name (never a value).
   */
  record Create(String backingFile, String backingFormat, String options, List<String> secrets) {}

  /**
   * What was (or would be) made, and what it took: the output's format, subformat and compression,
   * its virtual size, the room it takes on disk and its file length.
   */
  record Made(
      boolean cacheHit,
      String format,
      String subformat,
      String compression,
      Long virtualSize,
      Long diskSize,
      Long fileSize,
      long bytesDownloaded,
      double seconds) {}

  /** How the image's build ended: its status, exit code and error (null when none). */
  record Outcome(String status, int exitCode, String error) {}

  /**
   * The expected checksum; {@code sums_file} is the sums file it was looked up in, or null; {@code
   * signed_by} the fingerprint of the key whose signature of it verified, or null; {@code verified}
   * false for a base image given without a checksum, whose {@code value} is then the digest
   * computed from its bytes (null in a dry run, which reads no download).
   */
  record Checksum(String type, String value, String sumsFile, String signedBy, boolean verified) {}

  /** What a dry run found a build would do. */
  record Plan(
      String action,
      String checksumFrom,
      String checksumRecordedAt,
      String source,
      String sourcePath,
      long resumeBytes,
      String compressionFrom,
      String unpackedPath,
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
        id(spec),
        Paths.of(r.output(), spec, r.source(), r.compression()),
        checksum(spec, r.checksum(), r.checksumSignedBy()),
        new Made(
            r.cacheHit(),
            info == null ? null : info.format(),
            info == null ? null : spec.subformat(),
            info == null ? null : spec.compression(),
            info == null ? null : info.virtualSize(),
            info == null ? null : info.actualSize(),
            info == null ? null : r.fileSize(),
            r.bytesDownloaded(),
            seconds(r.elapsed())),
        new Outcome(
            status, r.exitCode(), r.failed() ? JsonReport.oneLine(r.error().getMessage()) : null),
        null);
  }

  static Image of(ImageSpec spec, ImagePlan p) {
    ImageInfo source = p.source().info();
    String format = null;
    Long virtualSize = null;
    Long diskSize = null;
    if (p.outputInfo() != null) {
      format = p.outputInfo().format();
      virtualSize = p.outputInfo().virtualSize();
      diskSize = p.outputInfo().actualSize();
    } else if (!p.failed()) {
      format = spec.outputFormat();
      virtualSize = spec.size().bytes();
    }
    Plan plan =
        new Plan(
            name(p.action()),
            p.checksum() == null ? null : name(p.checksum().origin()),
            p.checksum() == null || p.checksum().recordedAt() == null
                ? null
                : p.checksum().recordedAt().toString(),
            name(p.source().how()),
            p.source().path() == null ? null : p.source().path().toString(),
            p.source().resumeBytes(),
            compressionFrom(p.source()),
            p.source().unpacked() == null ? null : p.source().unpacked().toString(),
            source == null ? null : source.format(),
            source == null ? null : source.virtualSize(),
            p.work().temp() == null ? null : p.work().temp().toString(),
            p.work().commands(),
            p.work().materialize(),
            p.owner().user(),
            p.owner().exists());
    return new Image(
        id(spec),
        Paths.of(p.output(), spec, null, p.source().compression()),
        checksum(
            spec,
            p.checksum() == null ? null : p.checksum().hex(),
            p.checksum() == null ? null : p.checksum().signedBy()),
        new Made(
            p.source().how() == ImagePlan.Source.CACHE,
            format,
            format == null ? null : spec.subformat(),
            format == null ? null : spec.compression(),
            virtualSize,
            diskSize,
            p.outputFileSize(),
            0,
            seconds(p.elapsed())),
        new Outcome(
            p.failed() ? "failed" : "planned",
            p.exitCode(),
            p.failed() ? JsonReport.oneLine(p.error().getMessage()) : null),
        plan);
  }

  private static String compressionFrom(ImagePlan.Origin source) {
    if (source.compression() == null) {
      return null;
    }
    return source.compressionByName() ? "name" : "content";
  }

  private static Id id(ImageSpec spec) {
    return new Id(spec.key(), spec.name(), spec.version());
  }

  /** The checksum of a build: for a local base image given without one, the digest it had. */
  private static Checksum checksum(ImageSpec spec, Digest read, String signedBy) {
    if (spec.checksum() == null) {
      if (spec.blank()) {
        return null;
      }
      return read == null
          ? new Checksum("sha256", null, null, null, false)
          : new Checksum(read.type(), read.hex(), null, null, false);
    }
    return checksum(spec, read == null ? null : read.hex(), signedBy);
  }

  /** The checksum of a plan or build; null for a blank disk; unverified without a checksum. */
  private static Checksum checksum(ImageSpec spec, String hex, String signedBy) {
    if (spec.checksum() == null) {
      return spec.blank() ? null : new Checksum("sha256", null, null, null, false);
    }
    String value = hex != null ? hex : spec.checksum().hex();
    return new Checksum(
        spec.checksum().type(),
        value,
        spec.checksum().sumsFile() == null ? null : spec.checksum().sumsFile().toString(),
        signedBy,
        true);
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
