package org.genvmimage.cloudinit;

import java.util.List;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/**
 * Cloud-init seed files that cannot be used: missing, unreadable, or not in a format cloud-init
 * accepts. Each problem is one line that names the file ({@code file:line:column: problem} where
 * there is a position); the message is the problems joined by newlines. Exit code {@link
 * ExitCode#INVALID_INPUT}.
 */
public final class SeedException extends GenVmException {
  private final List<String> problems;

  public SeedException(List<String> problems) {
    super(ExitCode.INVALID_INPUT, String.join("\n", problems));
    if (problems.isEmpty()) {
      throw new IllegalArgumentException("no problems");
    }
    this.problems = List.copyOf(problems);
  }

  /** The problems, one line each, in the order of the seed's files. */
  public List<String> problems() {
    return problems;
  }
}
