package org.genvmimage.process;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Pure helpers for showing commands and their output in one-line messages. */
public final class Commands {
  private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  /** Most lines of output that {@link #tail} keeps. */
  public static final int TAIL_LINES = 5;

  /** Most characters that {@link #tail} keeps. */
  public static final int TAIL_CHARS = 600;

  private Commands() {}

  /**
   * The command as a POSIX shell would need it typed, for messages only (commands are never run
   * through a shell): {@code [ls, a b]} shows as {@code ls 'a b'}.
   */
  public static String display(List<String> command) {
    return command.stream().map(Commands::quote).collect(Collectors.joining(" "));
  }

  /** One argument quoted as {@code shlex.quote} does. */
  public static String quote(String argument) {
    if (argument.isEmpty()) {
      return "''";
    }
    if (SAFE.matcher(argument).matches()) {
      return argument;
    }
    return "'" + argument.replace("'", "'\"'\"'") + "'";
  }

  /**
   * The last {@value #TAIL_LINES} non-blank lines of {@code text}, trimmed and joined with {@code "
   * | "}, at most {@value #TAIL_CHARS} characters (cut at the front, marked with "…"); empty when
   * there are none.
   */
  public static String tail(String text) {
    List<String> lines = new ArrayList<>();
    for (String line : text.split("[\r\n]+")) {
      String trimmed = line.strip();
      if (!trimmed.isEmpty()) {
        lines.add(trimmed);
      }
    }
    String joined =
        String.join(" | ", lines.subList(Math.max(0, lines.size() - TAIL_LINES), lines.size()));
    return joined.length() <= TAIL_CHARS
        ? joined
        : "…" + joined.substring(joined.length() - TAIL_CHARS + 1);
  }
}
