package org.genvmimage.cli;

import java.io.PrintWriter;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import picocli.CommandLine;

/** The one place where the commands' {@link CommandLine}s are made and run. */
public final class Cli {
  private Cli() {}

  /** A command line for a command object, printing to the given writers. */
  public static CommandLine commandLine(Object command, PrintWriter out, PrintWriter err) {
    CommandLine cl = new CommandLine(command);
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    // an option value may be a subcommand's name: --cache-dir cache, --image cache
    cl.setAllowSubcommandsAsOptionParameters(true);
    cl.setUsageHelpAutoWidth(true);
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          String name = ex.getCommandLine().getCommandSpec().qualifiedName();
          PrintWriter w = ex.getCommandLine().getErr();
          w.println(name + ": " + ex.getMessage());
          CommandLine.UnmatchedArgumentException.printSuggestions(ex, w);
          w.println("Try '" + name + " --help' for more information.");
          w.flush();
          return ExitCode.USAGE;
        });
    cl.setExecutionExceptionHandler(
        (ex, line, parseResult) -> {
          String name = line.getCommandSpec().qualifiedName();
          PrintWriter w = line.getErr();
          boolean stacktrace = false;
          for (CommandLine.ParseResult r = parseResult; r != null; r = r.subcommand()) {
            stacktrace |= r.hasMatchedOption("--stacktrace");
          }
          int code;
          if (ex instanceof GenVmException g) {
            for (String l : g.getMessage().split("\n")) {
              w.println(name + ": error: " + l);
            }
            code = g.exitCode();
          } else {
            w.println(
                name
                    + ": error: unexpected "
                    + ex
                    + (stacktrace ? "" : " (run with --stacktrace for details, and report it)"));
            code = ExitCode.INTERNAL;
          }
          if (stacktrace) {
            ex.printStackTrace(w);
          }
          w.flush();
          return code;
        });
    return cl;
  }

  /** Runs a command with arguments and returns its exit code. */
  public static int run(Object command, PrintWriter out, PrintWriter err, String... args) {
    try {
      return commandLine(command, out, err).execute(args);
    } finally {
      out.flush();
      err.flush();
    }
  }
}
