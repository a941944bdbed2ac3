package org.genvmimage.cli;

import org.genvmimage.console.Console;
import picocli.CommandLine.Option;

/** Verbosity and error-detail options shared by both commands. */
public final class OutputOptions {
  @Option(
      names = {"-v", "--verbose"},
      description = "Say more: every step, and the commands that are run.")
  boolean verbose;

  @Option(
      names = {"-q", "--quiet"},
      description = "Say only warnings and errors (results still go to stdout).")
  boolean quiet;

  @Option(
      names = "--stacktrace",
      description = "On failure, print the full stack trace, not just the one-line error.")
  boolean stacktrace;

  Console.Verbosity verbosity() {
    if (quiet) {
      return Console.Verbosity.QUIET;
    }
    return verbose ? Console.Verbosity.VERBOSE : Console.Verbosity.NORMAL;
  }
}
