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
        out.println(key + "  up to date  " + r.output());
      } else {
        out.println(key + "  built       " + r.output() + "  (" + how(architecture, r) + ")");
      }
    }
    if (out != null) {
      out.flush();
    }
    return exit;
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
