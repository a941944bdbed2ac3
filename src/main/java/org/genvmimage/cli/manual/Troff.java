package org.genvmimage.cli.manual;

import java.util.ArrayList;
import java.util.List;

/** Escaping of plain text for troff (the man macros), so that any text prints as written. */
public final class Troff {
  private Troff() {}

  /**
   * Plain text as troff input lines: backslashes as {@code \e}, hyphens as {@code \-} (a real
   * minus, so that options copied from the page work), and a {@code \&} before a line that starts
   * with a dot or an apostrophe (which troff would read as a request). Line breaks are kept.
   */
  public static String text(String plain) {
    List<String> lines = new ArrayList<>();
    for (String line : plain.split("\n", -1)) {
      String escaped = inline(line);
      if (escaped.startsWith(".") || escaped.startsWith("'")) {
        escaped = "\\&" + escaped;
      }
      lines.add(escaped);
    }
    return String.join("\n", lines);
  }

  /**
   * Text for the middle of a line (after a font change, inside a macro argument): backslashes and
   * hyphens escaped; a line break becomes a space.
   */
  public static String inline(String plain) {
    StringBuilder out = new StringBuilder(plain.length() + 16);
    for (int i = 0; i < plain.length(); i++) {
      char c = plain.charAt(i);
      switch (c) {
        case '\\' -> out.append("\\e");
        case '-' -> out.append("\\-");
        case '\n', '\r' -> out.append(' ');
        default -> out.append(c);
      }
    }
    return out.toString();
  }

  /** Text in bold, for use inside a line. */
  public static String bold(String plain) {
    return "\\fB" + inline(plain) + "\\fR";
  }

  /** Text in italics (an argument to replace), for use inside a line. */
  public static String italic(String plain) {
    return "\\fI" + inline(plain) + "\\fR";
  }

  /** A macro argument in double quotes; a double quote inside is written {@code \(dq}. */
  public static String quoted(String plain) {
    return "\"" + inline(plain).replace("\"", "\\(dq") + "\"";
  }
}
