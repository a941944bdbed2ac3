package org.genvmimage.cli;

import java.io.PrintWriter;
import org.genvmimage.console.Console;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Option;

/**
 * {@code -v}/{@code -q} (one or the other) and {@code --stacktrace}, shared by every command. A
 * subcommand that gives none of them takes its parent's ({@link Cli} passes them on).
 */
public final class OutputOptions {
  /** The two verbosity options, mutually exclusive. */
  static final class Level {
    @Option(
        names = {"-v", "--verbose"},
        description = "Say more: every step, and the commands that are run.")
    boolean verbose;

    @Option(
        names = {"-q", "--quiet"},
        description = "Say only warnings and errors (results still go to stdout).")
    boolean quiet;
  }

  @ArgGroup(exclusive = true)
  Level level;

  @Option(
      names = "--stacktrace",
      description = "On failure, print the full stack trace, not just the one-line error.")
  boolean stacktrace;

  Console.Verbosity verbosity() {
    if (level == null) {
      return Console.Verbosity.NORMAL;
    }
    if (level.quiet) {
      return Console.Verbosity.QUIET;
    }
    return level.verbose ? Console.Verbosity.VERBOSE : Console.Verbosity.NORMAL;
  }

  /**
   * The console of a run at this verbosity, on {@code err}; with {@code progress}, animated
   * progress when stderr is a terminal.
   */
  Console console(String command, PrintWriter err, boolean progress) {
    return new Console(
        command, err, verbosity(), progress && Console.isInteractiveTerminal(), stacktrace);
  }

  /** Takes the parent command's choices where this command made none. */
  void inheritFrom(OutputOptions parent) {
    if (level == null) {
      level = parent.level;
    }
    stacktrace |= parent.stacktrace;
  }
}
