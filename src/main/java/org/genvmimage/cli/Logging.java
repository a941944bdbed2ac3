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
}
