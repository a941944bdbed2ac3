package org.genvmimage.cli;

import java.io.PrintWriter;
import java.util.List;
import org.genvmimage.console.Units;
import org.genvmimage.image.ImagePlan;
import org.genvmimage.process.Commands;

/** The human-readable plan of {@code gen-vm-image --dry-run}, for stdout. */
final class DryRunText {
  private static final String INDENT = "            ";

  private DryRunText() {}

  static void print(List<ImagePlan> plans, PrintWriter out) {
    for (ImagePlan p : plans) {
      out.println(p.key() + ": " + action(p) + " " + p.output().toAbsolutePath().normalize());
      if (p.checksumHex() != null) {
        out.println("  checksum  " + p.checksumType() + " " + p.checksumHex() + checksumFrom(p));
      }
      if (p.source() != null) {
        out.println("  source    " + source(p));
      }
      if (p.sourceInfo() != null) {
        out.println(
            "  base      "
                + p.sourceInfo().format()
                + ", virtual size "
                + Units.bytes(p.sourceInfo().virtualSize())
                + " ("
                + p.sourceInfo().virtualSize()
                + " bytes)");
      }
      if (p.outputInfo() != null) {
        out.println(
            "  output    "
                + p.outputInfo().format()
                + ", virtual size "
                + Units.bytes(p.outputInfo().virtualSize())
                + ": left as it is");
      }
      if ("copy".equals(p.materialize())) {
        out.println(
            "  copy      "
                + p.sourcePath()
                + " -> "
                + p.temp()
                + " (self-contained qcow2 compat 1.1: copied, not converted)");
      }
      String label = "  commands  ";
      for (List<String> command : p.commands()) {
        out.println(label + Commands.display(command));
        label = INDENT;
      }
      if (!p.commands().isEmpty() && p.sourceInfo() == null) {
        out.println(
            INDENT
                + "(<format> is what qemu-img info finds after the download; a self-contained"
                + " qcow2 compat 1.1 image is copied instead of converted; the resize runs only"
                + " if the base image is smaller)");
      }
      if (p.owner() != null) {
        out.println("  owner     " + p.owner());
      } else if (!p.commands().isEmpty()) {
        out.println("  owner     unchanged (no qemu or libvirt-qemu user here)");
      }
      if (p.failed()) {
        out.println("  error     " + p.error().getMessage() + " (exit " + p.exitCode() + ")");
      }
    }
    out.flush();
  }

  private static String action(ImagePlan p) {
    if (p.action() == null) {
      return "failed";
    }
    return switch (p.action()) {
      case CREATE -> p.failed() ? "failed (would create)" : "would create";
      case OVERWRITE -> p.failed() ? "failed (would overwrite)" : "would overwrite";
      case UP_TO_DATE -> "up to date";
      case BLOCKED -> "blocked (exists and differs; pass --overwrite)";
    };
  }

  private static String checksumFrom(ImagePlan p) {
    if (p.checksumOrigin() == null) {
      return "";
    }
    return switch (p.checksumOrigin()) {
      case GIVEN -> " (given in the architecture file)";
      case SUMS_FILE -> " (read now from " + p.sumsFile() + ", into memory only)";
      case CACHE ->
          " (listed by "
              + p.sumsFile()
              + " when it was last read, "
              + p.checksumRecordedAt()
              + "; the cache recorded it; the sums file cannot be read now)";
    };
  }

  private static String source(ImagePlan p) {
    if (p.action() == ImagePlan.Action.UP_TO_DATE) {
      return (p.source() == ImagePlan.Source.CACHE ? "in the cache: " : "local file ")
          + p.sourcePath()
          + " (not read: the output is up to date)";
    }
    return switch (p.source()) {
      case CACHE -> "cache hit: " + p.sourcePath();
      case DOWNLOAD ->
          "download "
              + p.sourceUrl()
              + " into the cache as "
              + p.sourcePath()
              + (p.resumeBytes() > 0
                  ? " (resuming after " + p.resumeBytes() + " bytes of an earlier download)"
                  : "");
      case LOCAL_FILE -> "local file " + p.sourcePath() + ", hashed in place by the build";
    };
  }
}
