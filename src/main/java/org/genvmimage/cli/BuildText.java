package org.genvmimage.cli;

import java.io.PrintWriter;
import java.util.List;
import org.genvmimage.architecture.Architecture;
import org.genvmimage.architecture.ImageSpec;
import org.genvmimage.console.Console;
import org.genvmimage.console.Units;
import org.genvmimage.core.ExitCode;
import org.genvmimage.image.ImageBuild.Outcome;
import org.genvmimage.image.ImageResult;
import org.genvmimage.qemu.ImageInfo;
import org.genvmimage.qemu.TargetFormat;

/** The text report of a {@code gen-vm-image} build: one line per image on stdout. */
final class BuildText {
  private BuildText() {}

  /**
   * One line per image on stdout (none when out is null), errors on stderr; the exit code of the
   * first failure.
   */
  static int report(
      Architecture architecture, List<ImageResult> results, PrintWriter out, Console console) {
    int exit = ExitCode.OK.code();
    int width = results.stream().mapToInt(r -> r.key().length()).max().orElse(0);
    for (ImageResult r : results) {
      String key = String.format("%-" + width + "s", r.key());
      if (r.failed()) {
        if (r.outcome() != Outcome.SKIPPED) {
          console.error(r.key() + ": " + r.error().getMessage(), r.error());
        }
        if (exit == ExitCode.OK.code()) {
          exit = r.exitCode();
        }
      }
      if (out == null) {
        continue;
      }
      if (r.outcome() == Outcome.SKIPPED) {
        out.println(key + "  skipped     " + r.output() + "  (interrupted before it started)");
      } else if (r.failed()) {
        out.println(key + "  failed      " + r.output() + "  (exit " + r.exitCode() + ")");
      } else if (r.outcome() == Outcome.UP_TO_DATE) {
        out.println(key + "  up to date  " + r.output() + "  (" + made(architecture, r) + ")");
      } else {
        out.println(
            key
                + "  built       "
                + r.output()
                + "  ("
                + how(architecture, r)
                + "; "
                + made(architecture, r)
                + ")");
      }
    }
    if (out != null) {
      out.flush();
    }
    return exit;
  }

  /**
   * The output's format (with its subformat or compression), virtual size, room on disk and file
   * length, e.g. {@code qcow2 (zstd-compressed), virtual 8.0 GiB, 310 MiB on disk, file 312 MiB}.
   */
  static String made(Architecture architecture, ImageResult r) {
    ImageSpec spec = architecture.images().get(r.key());
    ImageInfo info = r.outputInfo();
    if (info == null) {
      return spec.outputFormat();
    }
    String format =
        new TargetFormat(info.format(), spec.subformat(), spec.compression()).toString();
    return format
        + ", virtual "
        + Units.bytes(info.virtualSize())
        + ", "
        + Units.bytes(info.actualSize())
        + " on disk"
        + (r.fileSize() == null ? "" : ", file " + Units.bytes(r.fileSize()));
  }

  /** Where a built image's base came from, and how long the build took. */
  private static String how(Architecture architecture, ImageResult r) {
    ImageSpec spec = architecture.images().get(r.key());
    boolean local = !spec.blank() && "file".equalsIgnoreCase(spec.source().getScheme());
    String source;
    if (spec.blank()) {
      source = "blank disk";
    } else if (r.cacheHit()) {
      source = "cached source";
    } else if (local) {
      source = "local source";
    } else {
      source = "downloaded " + Units.bytes(r.bytesDownloaded());
      if (spec.sources().size() > 1 && r.source() != null) {
        source += " from " + r.source(); // which mirror served
      }
    }
    return source + ", " + Units.duration(r.elapsed());
  }
}
