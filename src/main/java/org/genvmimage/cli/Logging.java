package org.genvmimage.cli;

import org.genvmimage.console.Console;

/** Sets up slf4j-simple (library logs, on stderr) to match the chosen verbosity. */
final class Logging {
  private Logging() {}

  /** Must run before the first logger is created; later calls have no effect. */
  static void configure(Console.Verbosity verbosity) {
    setDefault("org.slf4j.simpleLogger.logFile", "System.err");
    setDefault("org.slf4j.simpleLogger.showThreadName", "false");
    setDefault("org.slf4j.simpleLogger.showLogName", "false");
    setDefault("org.slf4j.simpleLogger.showShortLogName", "false");
    setDefault("org.slf4j.simpleLogger.warnLevelString", "warning");
    setDefault(
        "org.slf4j.simpleLogger.defaultLogLevel",
        switch (verbosity) {
          case QUIET -> "warn";
          case NORMAL -> "info";
          case VERBOSE -> "debug";
        });
  }

  private static void setDefault(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }

  /** The verbosity asked for on a command line, read before picocli parses it. */
  static Console.Verbosity fromArgs(String[] args) {
    Console.Verbosity v = Console.Verbosity.NORMAL;
    for (String a : args) {
      if (a.equals("-q") || a.equals("--quiet")) {
        v = Console.Verbosity.QUIET;
      } else if (a.equals("-v") || a.equals("--verbose")) {
        v = Console.Verbosity.VERBOSE;
      }
    }
    return v;
  }
}
