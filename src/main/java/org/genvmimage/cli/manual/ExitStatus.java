package org.genvmimage.cli.manual;

import java.util.ArrayList;
import java.util.List;
import org.genvmimage.core.ExitCode;

/**
 * The exit status table of both commands, one source for the man pages (EXIT STATUS) and the README
 * (its "Exit codes" table, which a test compares with {@link #rst()}).
 */
public final class ExitStatus {
  private ExitStatus() {}

  /** Width of the meaning column in the README's table. */
  static final int RST_MEANING_WIDTH = 79;

  /** One exit code and what it means, in plain text. */
  public record Row(int code, String meaning) {}

  // To be replaced: when core.ExitCode is an enum with code() and meaning(), rows() becomes
  // ExitCode.values() mapped to Row(code(), meaning()), and this list goes.
  private static final List<Row> ROWS =
      List.of(
          new Row(ExitCode.OK, "done, or already up to date"),
          new Row(
              ExitCode.INTERNAL,
              "unexpected internal error (run again with --stacktrace and report it)"),
          new Row(
              ExitCode.USAGE,
              "usage error: unknown option, bad option value, unknown --image key, a cache delete"
                  + " checksum prefix that matches several entries"),
          new Row(
              ExitCode.INVALID_INPUT,
              "invalid input: missing or invalid architecture file or cloud-init file, a size"
                  + " below the base image's, an output folder that cannot be created or written,"
                  + " a missing image to configure, a cache delete checksum that matches no"
                  + " entry"),
          new Row(
              ExitCode.DOWNLOAD_FAILED,
              "download failed: HTTP error status, network error, stalled transfer, a sums file"
                  + " without the image's name"),
          new Row(ExitCode.CHECKSUM_MISMATCH, "checksum mismatch (the download is discarded)"),
          new Row(
              ExitCode.TOOL_FAILED,
              "an external tool or the file system failed (qemu-img, qemu, virt-sysprep; a full"
                  + " disk, with the free space the download needs; an image that cannot be"
                  + " given to --generated-image-owner), or the download is not a usable disk"
                  + " image"),
          new Row(
              ExitCode.TOOL_MISSING,
              "a required tool is missing (the message names the package to install)"),
          new Row(
              ExitCode.OUTPUT_EXISTS,
              "the output exists and was not built from this checksum and size: pass"
                  + " --overwrite"),
          new Row(
              ExitCode.CONFIGURE_FAILED,
              "configuring timed out, the guest failed (kernel panic, qemu ended), or it did not"
                  + " shut down when asked; the image is left as it was"),
          new Row(ExitCode.INTERRUPTED, "interrupted (Ctrl-C); the output is left as it was"));

  /** Every exit code of both commands, in increasing order. */
  public static List<Row> rows() {
    return ROWS;
  }

  /** The table for the man pages: the code as the term, the meaning as its text. */
  public static List<ManSections.Entry> entries() {
    return rows().stream()
        .map(r -> new ManSections.Entry(String.valueOf(r.code()), r.meaning()))
        .toList();
  }

  /**
   * The table as a reStructuredText simple table, meanings wrapped to {@link #RST_MEANING_WIDTH}
   * columns: the README holds exactly this text.
   */
  public static String rst() {
    String rule = "=====  " + "=".repeat(RST_MEANING_WIDTH) + "\n";
    StringBuilder out = new StringBuilder(rule);
    out.append("code   meaning\n").append(rule);
    for (Row row : rows()) {
      List<String> lines = wrap(row.meaning(), RST_MEANING_WIDTH);
      for (int i = 0; i < lines.size(); i++) {
        String first = i == 0 ? String.valueOf(row.code()) : "";
        out.append(String.format("%-5s  %s", first, lines.get(i)).stripTrailing()).append('\n');
      }
    }
    return out.append(rule).toString();
  }

  /** Words of {@code text} on lines of at most {@code width} characters (longer words alone). */
  static List<String> wrap(String text, int width) {
    List<String> lines = new ArrayList<>();
    StringBuilder line = new StringBuilder();
    for (String word : text.strip().split("\\s+")) {
      if (line.length() > 0 && line.length() + 1 + word.length() > width) {
        lines.add(line.toString());
        line.setLength(0);
      }
      if (line.length() > 0) {
        line.append(' ');
      }
      line.append(word);
    }
    lines.add(line.toString());
    return lines;
  }
}
