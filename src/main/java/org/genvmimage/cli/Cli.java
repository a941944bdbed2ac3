package org.genvmimage.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.BiConsumer;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/** The one place where the commands' {@link CommandLine}s are made and run. */
public final class Cli {
  private Cli() {}

  /** A command line for a command object, printing to the given writers. */
  public static CommandLine commandLine(Object command, PrintWriter out, PrintWriter err) {
    return commandLine(command, out, err, false);
  }

  /**
   * A command line for a command object, printing to the given writers; with {@code logging}, the
   * library's logging is set up to the verbosity asked for, once the arguments are parsed.
   */
  static CommandLine commandLine(
      Object command, PrintWriter out, PrintWriter err, boolean logging) {
    CommandLine cl = new CommandLine(command);
    setExitCodeLists(cl);
    cl.setExecutionStrategy(
        parseResult -> {
          List<CommandLine> chain = parseResult.asCommandLineList();
          inheritSharedOptions(chain);
          if (logging) {
            OutputOptions output = mixin(chain.get(chain.size() - 1), OutputOptions.class);
            Logging.configure(
                output != null
                    ? output.verbosity()
                    : org.genvmimage.console.Console.Verbosity.NORMAL);
          }
          return new CommandLine.RunLast().execute(parseResult);
        });
    cl.setOut(out);
    cl.setErr(err);
    cl.setCaseInsensitiveEnumValuesAllowed(true);
    registerEnumConverters(cl, cl);
    // an option value may be a subcommand's name: --cache-dir cache, --image cache
    cl.setAllowSubcommandsAsOptionParameters(true);
    cl.setUsageHelpAutoWidth(true);
    cl.setParameterExceptionHandler(
        (ex, args) -> {
          String name = ex.getCommandLine().getCommandSpec().qualifiedName();
          PrintWriter w = ex.getCommandLine().getErr();
          List<String> unknown =
              ex instanceof CommandLine.UnmatchedArgumentException u ? unknownNames(u) : List.of();
          if (unknown.isEmpty()) {
            w.println(name + ": " + ex.getMessage());
            CommandLine.UnmatchedArgumentException.printSuggestions(ex, w);
          } else {
            unknown.forEach(line -> w.println(name + ": " + line));
          }
          w.println("Try '" + name + " --help' for more information.");
          w.flush();
          return ExitCode.USAGE.code();
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
            code = ExitCode.INTERNAL.code();
          }
          if (stacktrace) {
            ex.printStackTrace(w);
          }
          w.flush();
          return code;
        });
    return cl;
  }

  /** Each command's exit code list, from the codes it declares and their meanings. */
  private static void setExitCodeLists(CommandLine cl) {
    if (cl.getCommand() instanceof CommandBase command) {
      cl.getCommandSpec()
          .usageMessage()
          .exitCodeList(CommandBase.exitCodeList(command.exitCodes()));
    }
    cl.getSubcommands().values().forEach(Cli::setExitCodeLists);
  }

  /**
   * The shared options ({@link OutputOptions}, {@link CacheDirOption}, {@link ArchitectureOptions})
   * that a subcommand was not given are its parent's: {@code gen-vm-image -v --cache-dir DIR cache
   * list}.
   */
  static void inheritSharedOptions(List<CommandLine> chain) {
    for (int i = 1; i < chain.size(); i++) {
      inherit(chain, i, OutputOptions.class, OutputOptions::inheritFrom);
      inherit(chain, i, CacheDirOption.class, CacheDirOption::inheritFrom);
      inherit(chain, i, ArchitectureOptions.class, ArchitectureOptions::inheritFrom);
    }
  }

  /**
   * Passes the nearest ancestor's mixin of this type to command {@code i}'s own, when both have
   * one.
   */
  private static <T> void inherit(
      List<CommandLine> chain, int i, Class<T> type, BiConsumer<T, T> inheritFrom) {
    T own = mixin(chain.get(i), type);
    if (own == null) {
      return;
    }
    for (int j = i - 1; j >= 0; j--) {
      T parent = mixin(chain.get(j), type);
      if (parent != null) {
        inheritFrom.accept(own, parent);
        return;
      }
    }
  }

  /** A command's mixin of this type, or null. */
  private static <T> T mixin(CommandLine cl, Class<T> type) {
    for (CommandSpec m : cl.getCommandSpec().mixins().values()) {
      if (type.isInstance(m.userObject())) {
        return type.cast(m.userObject());
      }
    }
    return null;
  }

  /**
   * For every option with fixed values (an enum) in the command and its subcommands: a converter
   * that accepts the values as help and completion show them (the constants' {@code toString()}:
   * {@code auto}, {@code lockOnFailure}), in any case, and lists them so when a value is wrong.
   */
  private static void registerEnumConverters(CommandLine root, CommandLine cl) {
    for (CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
      if (o.type().isEnum()) {
        registerEnumConverter(root, o.type());
      }
    }
    cl.getSubcommands().values().forEach(sub -> registerEnumConverters(root, sub));
  }

  private static <E extends Enum<E>> void registerEnumConverter(CommandLine root, Class<?> type) {
    @SuppressWarnings("unchecked")
    Class<E> enumType = (Class<E>) type;
    E[] constants = enumType.getEnumConstants();
    root.registerConverter(
        enumType,
        value -> {
          for (E e : constants) {
            if (e.toString().equalsIgnoreCase(value) || e.name().equalsIgnoreCase(value)) {
              return e;
            }
          }
          throw new CommandLine.TypeConversionException(
              "expected one of "
                  + java.util.Arrays.toString(constants)
                  + " (case-insensitive) but was '"
                  + value
                  + "'");
        });
  }

  /**
   * One line per mistyped option ("unknown option '--architecure-path'; did you mean
   * '--architecture-path'?"), or for a mistyped command name when the command has subcommands and
   * no option was mistyped; empty when the unmatched arguments are neither.
   */
  static List<String> unknownNames(CommandLine.UnmatchedArgumentException ex) {
    CommandSpec spec = ex.getCommandLine().getCommandSpec();
    List<String> lines = new ArrayList<>();
    List<String> unmatched = ex.getUnmatched();
    for (String arg : unmatched) {
      if (arg.startsWith("-") && arg.length() > 1 && !arg.equals("--")) {
        lines.add(unknown("option", arg, spec.optionsMap().keySet()));
      }
    }
    if (lines.isEmpty() && !spec.subcommands().isEmpty() && !unmatched.isEmpty()) {
      lines.add(unknown("command", unmatched.get(0), spec.subcommands().keySet()));
    }
    return lines;
  }

  private static String unknown(String what, String arg, Collection<String> names) {
    List<String> near = Suggestions.closest(arg, names);
    return "unknown "
        + what
        + " '"
        + arg
        + "'"
        + (!near.isEmpty()
            ? "; did you mean " + Suggestions.alternatives(near) + "?"
            : what.equals("command") ? "; the commands are: " + String.join(", ", names) : "");
  }

  /** Runs a command as the process's main: logging set up, on stdout and stderr. */
  static int main(Object command, String... args) {
    PrintWriter out = new PrintWriter(System.out, true);
    PrintWriter err = new PrintWriter(System.err, true);
    try {
      return commandLine(command, out, err, true).execute(args);
    } finally {
      out.flush();
      err.flush();
    }
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
