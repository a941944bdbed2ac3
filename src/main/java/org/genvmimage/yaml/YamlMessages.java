package org.genvmimage.yaml;

import static org.genvmimage.core.Messages.oneLine;

import java.util.Optional;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;

/**
 * snakeyaml-engine's errors as one line, {@code file:line:column: problem (context at line:column);
 * what to do}, with a hint for the mistakes people make by hand: indentation, a missing {@code ':
 * '}, a value that needs quotes, a tab, an unclosed quote or bracket.
 */
final class YamlMessages {
  /** An implicit key must end with ':' within this many characters (YAML 1.2, snakeyaml). */
  static final int MAX_IMPLICIT_KEY = 1024;

  private static final String TAB = "found character '\\t(TAB)' that cannot start any token";
  private static final String CANNOT_START = "that cannot start any token";

  private YamlMessages() {}

  static String describe(String label, MarkedYamlEngineException e, String text) {
    Optional<Mark> problemMark = e.getProblemMark();
    Optional<Mark> contextMark = e.getContextMark();
    String problem = e.getProblem() == null ? "" : e.getProblem().replaceFirst("^but ", "");
    String context = e.getContext() == null ? "" : e.getContext();
    Mark at = problemMark.or(() -> contextMark).orElse(null);
    StringBuilder line = new StringBuilder(label);
    if (at != null) {
      line.append(':').append(position(at));
    }
    line.append(": ");
    if (problem.startsWith(TAB)) {
      return line.append("found a tab character; YAML indents with spaces only: replace the tab")
          .toString();
    }
    if (problem.contains(CANNOT_START)) {
      // snakeyaml adds "(Do not use @ for indentation)", which misleads for '@' and '`'
      problem = problem.substring(0, problem.indexOf(CANNOT_START)) + "that cannot start a value";
    }
    line.append(problem.isEmpty() ? context : problem);
    if (!problem.isEmpty() && !context.isEmpty() && contextMark.isPresent()) {
      line.append(" (").append(context);
      contextMark
          .filter(mark -> problemMark.isEmpty() || mark.getIndex() != problemMark.get().getIndex())
          .ifPresent(mark -> line.append(" at ").append(position(mark)));
      line.append(')');
    }
    hint(problem, context, contextMark.orElse(null), at, text)
        .ifPresent(hint -> line.append("; ").append(hint));
    return oneLine(line.toString());
  }

  /** What to do about a problem, where there is something useful to say. */
  private static Optional<String> hint(
      String problem, String context, Mark contextMark, Mark at, String text) {
    String before = at == null ? "" : lineBefore(text, at);
    String contextAt = contextMark == null ? "" : position(contextMark);
    if (problem.startsWith("mapping values are not allowed")) {
      if (before.contains(": ")) {
        return Optional.of("put the value in quotes: it contains ': '");
      }
      return Optional.of(
          "check the indentation of this line and the line above (the keys of one mapping start"
              + " in the same column, and each ':' is followed by a space)");
    }
    if (problem.startsWith("could not find expected ':'") && contextMark != null) {
      if (at != null
          && at.getLine() == contextMark.getLine()
          && at.getIndex() - contextMark.getIndex() >= MAX_IMPLICIT_KEY) {
        return Optional.of(
            "a key must end with ':' within "
                + MAX_IMPLICIT_KEY
                + " characters of where it starts");
      }
      return Optional.of(
          "add ': ' after the key on line "
              + (contextMark.getLine() + 1)
              + ", or, if that line continues a value, indent it deeper than the value's key");
    }
    if (problem.startsWith("expected <block end>")) {
      if (problem.endsWith("'<scalar>'") && (before.endsWith("\"") || before.endsWith("'"))) {
        return Optional.of("a quoted value ends at its closing quote: quote the whole value");
      }
      if (problem.endsWith("']'") || problem.endsWith("'}'")) {
        return Optional.of("remove the closing bracket that has no opening one");
      }
      if (contextMark != null) {
        boolean mapping = context.contains("mapping");
        if (problem.endsWith("'<block mapping start>'")) {
          return Optional.of(
              "check the indentation: this line is deeper than the "
                  + (mapping ? "keys of the mapping at " : "items of the list at ")
                  + contextAt
                  + ", but not in line with the keys of the "
                  + (mapping ? "value" : "item")
                  + " above it");
        }
        return Optional.of(
            "check the indentation: the "
                + (mapping ? "keys of that mapping" : "items of that list")
                + " start in column "
                + (contextMark.getColumn() + 1));
      }
    }
    if (context.contains("quoted scalar")
        && problem.startsWith("found unexpected")
        && contextMark != null) {
      return Optional.of("close the quote opened at " + contextAt);
    }
    if (context.startsWith("while parsing a flow sequence") && contextMark != null) {
      return Optional.of("close the '[' at " + contextAt + " with ']', or separate items with ','");
    }
    if (context.startsWith("while parsing a flow mapping") && contextMark != null) {
      return Optional.of(
          "close the '{' at " + contextAt + " with '}', or separate entries with ','");
    }
    if (problem.contains("that cannot start a value")) {
      return Optional.of("put the value in quotes");
    }
    if (problem.startsWith("found unknown escape character")) {
      return Optional.of(
          "in double quotes '\\' starts an escape: write '\\\\' for a backslash, or use single"
              + " quotes");
    }
    if (problem.startsWith("sequence entries are not allowed")) {
      return Optional.of(
          "start the list on the next line, indented under its key, or put the value in quotes");
    }
    if (problem.startsWith("expected the node content")) {
      return Optional.of("put the value in quotes");
    }
    if (problem.startsWith("found undefined alias")) {
      String name = problem.substring("found undefined alias".length()).strip();
      return Optional.of("define the anchor '&" + name + "' before its alias '*" + name + "'");
    }
    if (problem.startsWith("found another document")) {
      return Optional.of("the file holds one document: remove this '---' and what follows it");
    }
    return Optional.empty();
  }

  /** The text of the mark's line before the mark. */
  private static String lineBefore(String text, Mark mark) {
    String line = text.lines().skip(mark.getLine()).findFirst().orElse("");
    int column = Math.min(mark.getColumn(), line.codePointCount(0, line.length()));
    return line.substring(0, line.offsetByCodePoints(0, column)).stripTrailing();
  }

  static String position(Mark mark) {
    return (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
  }

  /** The {@code line:column} of the code point at {@code index} in {@code text}. */
  static String position(String text, int index) {
    int offset = text.offsetByCodePoints(0, Math.min(index, text.codePointCount(0, text.length())));
    int lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    long line = text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
    return line + ":" + (text.codePointCount(lineStart, offset) + 1);
  }
}
