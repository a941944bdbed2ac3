package org.genvmimage.architecture;

import java.util.List;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/**
 * An architecture file that cannot be used: missing, unreadable, not YAML, or not valid. Each
 * problem is one line, most of them {@code file:line:column: key.path: what is wrong (what is
 * expected)}; the message is the problems joined by newlines. Exit code {@link
 * ExitCode#INVALID_INPUT}.
 */
public final class ArchitectureException extends GenVmException {
  private final List<String> problems;

  public ArchitectureException(List<String> problems) {
    this(problems, null);
  }

  public ArchitectureException(List<String> problems, Throwable cause) {
    super(ExitCode.INVALID_INPUT, String.join("\n", problems), cause);
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("no problems");
    }
    this.problems = List.copyOf(problems);
  }

  /** The problems, one line each, in file order. */
  public List<String> problems() {
    return problems;
  }
}
