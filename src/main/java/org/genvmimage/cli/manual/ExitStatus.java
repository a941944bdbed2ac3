package org.genvmimage.cli.manual;

import java.util.ArrayList;
import java.util.Arrays;
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

  private static final List<Row> ROWS =
      Arrays.stream(ExitCode.values()).map(c -> new Row(c.code(), c.meaning())).toList();

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
