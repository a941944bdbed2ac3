package org.genvmimage.cli;

import java.io.PrintWriter;
import java.net.URI;
import java.util.List;
import org.genvmimage.console.Console;
import org.genvmimage.console.Units;
import org.genvmimage.core.ExitCode;
import org.genvmimage.download.ResolvedChecksum;
import org.genvmimage.image.ImagePlan;
import org.genvmimage.process.Commands;

/** The human-readable plan of {@code gen-vm-image --dry-run}, for stdout. */
final class DryRunText {
  private static final String INDENT = "            ";

  private DryRunText() {}

  /**
   * The dry run's outcome: each failed plan's error on stderr, the plan on stdout (none when out is
   * null); the exit code of the first failure.
   */
  static int report(List<ImagePlan> plans, PrintWriter out, Console console) {
    int exit = ExitCode.OK.code();
    for (ImagePlan p : plans) {
      if (p.failed()) {
        console.error(p.key() + ": " + p.error().getMessage(), p.error());
        if (exit == ExitCode.OK.code()) {
          exit = p.exitCode();
        }
      }
    }
    if (out != null) {
      out.println("dry run: nothing was changed on disk");
      print(plans, out);
    }
    return exit;
  }

  static void print(List<ImagePlan> plans, PrintWriter out) {
    for (ImagePlan p : plans) {
      out.println(p.key() + ": " + action(p) + " " + p.output().toAbsolutePath().normalize());
      if (p.checksum() != null && p.checksum().hex() != null) {
        out.println(
            "  checksum  " + p.checksum().type() + " " + p.checksum().hex() + checksumFrom(p));
      }
      if (p.checksum() == null && p.source().url() != null) {
        out.println("  checksum  not verified: no checksum given");
      }
      if (p.checksum() != null && p.checksum().signedBy() != null) {
        out.println(
            "  signed    by "
                + p.checksum().signedBy()
                + (p.checksum().origin() == ResolvedChecksum.Origin.CACHE
                    ? " (verified when the sums file was last read)"
                    : " (the sums file's signature verified)"));
      }
      if (p.source().how() != null) {
        out.println("  source    " + source(p));
      }
      if (p.source().mirrors().size() > 1) {
        String label = "  mirrors   ";
        for (URI mirror : p.source().mirrors()) {
          out.println(label + mirror); // in the order they are tried
          label = INDENT;
        }
      }
      if (p.source().compression() != null && p.source().unpacked() != null) {
        out.println(
            "  decompress ("
                + p.source().compression()
                + ") into "
                + p.source().unpacked()
                + (p.source().compressionByName()
                    ? " (going by the file name: the build goes by the downloaded file's first"
                        + " bytes)"
                    : ""));
      }
      if (p.source().info() != null) {
        out.println(
            "  base      "
                + p.source().info().format()
                + ", virtual size "
                + Units.bytes(p.source().info().virtualSize())
                + " ("
                + p.source().info().virtualSize()
                + " bytes)");
      }
      if (p.outputInfo() != null) {
        out.println(
            "  output    "
                + p.outputInfo().format()
                + ", virtual size "
                + Units.bytes(p.outputInfo().virtualSize())
                + ", "
                + Units.bytes(p.outputInfo().actualSize())
                + " on disk"
                + (p.outputFileSize() == null ? "" : ", file " + Units.bytes(p.outputFileSize()))
                + ": left as it is");
      } else if (p.action() != null && p.action() != ImagePlan.Action.BLOCKED) {
        out.println("  format    " + p.work().target());
      }
      if ("copy".equals(p.work().materialize())) {
        out.println(
            "  copy      "
                + p.source().path()
                + " -> "
                + p.work().temp()
                + " (self-contained qcow2 compat 1.1: copied, not converted)");
      }
      String label = "  commands  ";
      for (List<String> command : p.work().commands()) {
        out.println(label + Commands.display(command));
        label = INDENT;
      }
      if (!p.work().commands().isEmpty()
          && p.source().info() == null
          && p.source().how() != ImagePlan.Source.BLANK) {
        out.println(
            INDENT
                + "(<format> is what qemu-img info finds after the download or decompression; a self-contained"
                + " qcow2 compat 1.1 image is copied instead of converted; the resize runs only"
                + " if the base image is smaller)");
      }
      if (p.owner().user() != null) {
        out.println("  owner     " + p.owner().user());
      } else if (!p.work().commands().isEmpty()) {
        out.println("  owner     unchanged (no qemu or libvirt-qemu user here)");
      }
      if (p.failed()) {
        out.println("  error     " + p.error().getMessage() + " (exit " + p.exitCode() + ")");
      }
    }
    manifests(plans, out);
    out.flush();
  }

  /** Which SHA256SUMS the run would update, and with which of its images. */
  private static void manifests(List<ImagePlan> plans, PrintWriter out) {
    java.util.Map<java.nio.file.Path, List<String>> folders = new java.util.LinkedHashMap<>();
    for (ImagePlan p : plans) {
      if (!p.failed()) {
        folders
            .computeIfAbsent(
                org.genvmimage.core.Folders.of(p.output()).normalize(),
                k -> new java.util.ArrayList<>())
            .add(p.output().getFileName().toString());
      }
    }
    folders.forEach(
        (folder, names) ->
            out.println(
                "manifest: "
                    + folder.resolve(org.genvmimage.manifest.Sha256Sums.FILE_NAME)
                    + " would list "
                    + String.join(", ", names)
                    + " (lines of other files kept)"));
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
    if (p.checksum().origin() == null) {
      return "";
    }
    return switch (p.checksum().origin()) {
      case GIVEN -> " (given in the architecture file)";
      case SUMS_FILE -> " (read now from " + p.checksum().sumsFile() + ", into memory only)";
      case CACHE ->
          " (listed by "
              + p.checksum().sumsFile()
              + " when it was last read, "
              + p.checksum().recordedAt()
              + "; the cache recorded it; the sums file cannot be read now)";
    };
  }

  private static String source(ImagePlan p) {
    if (p.source().how() == ImagePlan.Source.BLANK) {
      return "none: a new blank disk";
    }
    if (p.action() == ImagePlan.Action.UP_TO_DATE) {
      return (p.source().how() == ImagePlan.Source.CACHE ? "in the cache: " : "local file ")
          + p.source().path()
          + " (not read: the output is up to date)";
    }
    return switch (p.source().how()) {
      case CACHE -> "cache hit: " + p.source().path();
      case DOWNLOAD ->
          "download "
              + p.source().url()
              + " into the cache as "
              + p.source().path()
              + (p.source().resumeBytes() > 0
                  ? " (resuming after "
                      + p.source().resumeBytes()
                      + " bytes of an earlier download)"
                  : "");
      case LOCAL_FILE -> "local file " + p.source().path() + ", hashed in place by the build";
      case BLANK -> "none: a new blank disk";
    };
  }
}
