package org.genvmimage.console;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.genvmimage.core.DaemonThreads;

/**
 * Messages and progress for the user, on stderr. On a terminal, progress is one line redrawn in
 * place; elsewhere (CI logs, pipes) a plain line per task every few seconds, and only when it
 * changed. Thread-safe: parallel image builds report through one console.
 */
public final class Console implements AutoCloseable {
  /** How much to say. */
  public enum Verbosity {
    QUIET,
    NORMAL,
    VERBOSE
  }

  private static final long PLAIN_INTERVAL_MILLIS = 5_000;
  private static final long ANIMATED_INTERVAL_MILLIS = 200;

  private final PrintWriter err;
  private final Verbosity verbosity;
  private final boolean animated;
  private final String program;
  private final boolean stacktrace;
  private final Map<String, String> tasks = new LinkedHashMap<>();
  private final Map<String, String> lastPrinted = new LinkedHashMap<>();
  private ScheduledExecutorService ticker;
  private boolean lineShown;

  public Console(String program, PrintWriter err, Verbosity verbosity, boolean animated) {
    this(program, err, verbosity, animated, false);
  }

  /**
   * A console that, when {@code stacktrace} is set ({@code --stacktrace}), follows each error given
   * with its cause by the cause's stack trace.
   */
  public Console(
      String program, PrintWriter err, Verbosity verbosity, boolean animated, boolean stacktrace) {
    this.program = program;
    this.err = err;
    this.verbosity = verbosity;
    this.animated = animated;
    this.stacktrace = stacktrace;
  }

  /** True when stderr is most likely an interactive terminal (and TERM is not "dumb"). */
  public static boolean isInteractiveTerminal() {
    String term = System.getenv("TERM");
    return System.console() != null && term != null && !term.equals("dumb");
  }

  public Verbosity verbosity() {
    return verbosity;
  }

  /** Whether progress is one line redrawn in place (a terminal), not plain lines. */
  public boolean animated() {
    return animated;
  }

  public synchronized void info(String message) {
    if (verbosity != Verbosity.QUIET) {
      println(message);
    }
  }

  public synchronized void debug(String message) {
    if (verbosity == Verbosity.VERBOSE) {
      println(message);
    }
  }

  public synchronized void warn(String message) {
    println(program + ": warning: " + message);
  }

  public synchronized void error(String message) {
    for (String line : message.split("\n")) {
      println(program + ": error: " + line);
    }
  }

  /**
   * An error, and with {@code --stacktrace} the stack trace of what caused it (a failed image in a
   * run that goes on with the others never reaches the command's own error handler).
   */
  public synchronized void error(String message, Throwable cause) {
    error(message);
    if (stacktrace && cause != null) {
      cause.printStackTrace(err);
      err.flush();
    }
  }

  /** Sets (or replaces) the progress text of a task; shown until {@link #done(String)}. */
  public synchronized void progress(String task, String text) {
    if (verbosity == Verbosity.QUIET) {
      return;
    }
    boolean first = !tasks.containsKey(task);
    tasks.put(task, text);
    startTicker();
    if (first && !animated) {
      printPlain(task, text);
    }
  }

  /** Removes a task's progress line. */
  public synchronized void done(String task) {
    tasks.remove(task);
    lastPrinted.remove(task);
    if (animated) {
      redraw();
    }
  }

  private void startTicker() {
    if (ticker != null) {
      return;
    }
    ticker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("console-progress"));
    long interval = animated ? ANIMATED_INTERVAL_MILLIS : PLAIN_INTERVAL_MILLIS;
    ticker.scheduleAtFixedRate(this::tick, interval, interval, TimeUnit.MILLISECONDS);
  }

  private synchronized void tick() {
    if (animated) {
      redraw();
      return;
    }
    for (Map.Entry<String, String> e : tasks.entrySet()) {
      if (!e.getValue().equals(lastPrinted.get(e.getKey()))) {
        printPlain(e.getKey(), e.getValue());
      }
    }
  }

  private void printPlain(String task, String text) {
    lastPrinted.put(task, text);
    err.println(task + ": " + text);
    err.flush();
  }

  private void redraw() {
    StringBuilder line = new StringBuilder();
    for (Map.Entry<String, String> e : tasks.entrySet()) {
      if (line.length() > 0) {
        line.append(" | ");
      }
      line.append(e.getKey()).append(": ").append(e.getValue());
    }
    int width = terminalWidth() - 1;
    String text =
        line.length() > width ? line.substring(0, Math.max(0, width - 1)) + "…" : line.toString();
    err.print("\r\033[K" + text);
    err.flush();
    lineShown = !text.isEmpty();
  }

  private static int terminalWidth() {
    try {
      String columns = System.getenv("COLUMNS");
      return columns == null ? 100 : Math.max(20, Integer.parseInt(columns.trim()));
    } catch (NumberFormatException e) {
      return 100;
    }
  }

  private void println(String message) {
    if (animated && lineShown) {
      err.print("\r\033[K");
      lineShown = false;
    }
    err.println(message);
    err.flush();
  }

  @Override
  public synchronized void close() {
    if (ticker != null) {
      ticker.shutdownNow();
      ticker = null;
    }
    tasks.clear();
    if (animated && lineShown) {
      err.print("\r\033[K");
      lineShown = false;
    }
    err.flush();
  }
}
