package org.genvmimage.configure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.genvmimage.console.Console;
import org.genvmimage.core.DaemonThreads;

/**
 * The status of a configure run, with the time since it started, e.g. {@code configuring
 * image.qcow2: cloud-init modules:config 0:41}. On a terminal it is one line on stderr, redrawn in
 * place and ticking every second; elsewhere (CI logs, pipes) one plain line per step, when the step
 * is reached. Thread-safe: cloud-init's stages arrive on the console reader's thread.
 */
final class ConfigureProgress implements AutoCloseable {
  private final Console console;
  private final String task;
  private final long startNanos;
  private final LongSupplier clock;
  private String step;
  private String detail = "";
  private ScheduledExecutorService ticker;

  ConfigureProgress(Console console, Path image, long startNanos) {
    this(console, image, startNanos, System::nanoTime);
  }

  ConfigureProgress(Console console, Path image, long startNanos, LongSupplier clock) {
    this.console = console;
    this.task = "configuring " + image.getFileName();
    this.startNanos = startNanos;
    this.clock = clock;
  }

  /** The status text: the step, its detail if any, and the elapsed time. */
  static String text(String step, String detail, Duration elapsed) {
    return step + (detail.isEmpty() ? "" : " " + detail) + "  " + clock(elapsed);
  }

  /** Elapsed time as a clock: {@code 0:07}, {@code 12:41}, {@code 1:02:03}. */
  static String clock(Duration elapsed) {
    long seconds = Math.max(0, elapsed.toSeconds());
    if (seconds < 3600) {
      return String.format(Locale.ROOT, "%d:%02d", seconds / 60, seconds % 60);
    }
    return String.format(
        Locale.ROOT, "%d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
  }

  /** Enters a step (e.g. {@code booting}, {@code cloud-init init}); null clears the status line. */
  synchronized void step(String next) {
    if (next != null && next.equals(step)) {
      return;
    }
    step = next;
    detail = "";
    if (step == null) {
      console.done(task);
      return;
    }
    if (console.animated()) {
      show();
      startTicker();
    } else {
      console.info(task + ": " + text(step, detail, elapsed()));
    }
  }

  /** A detail of the current step, e.g. a percentage; shown on a terminal only. */
  synchronized void detail(String text) {
    if (step != null && console.animated() && !text.equals(detail)) {
      detail = text;
      show();
    }
  }

  private Duration elapsed() {
    return Duration.ofNanos(clock.getAsLong() - startNanos);
  }

  private synchronized void show() {
    if (step != null) {
      console.progress(task, text(step, detail, elapsed()));
    }
  }

  private void startTicker() {
    if (ticker != null) {
      return;
    }
    ticker = Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("configure-progress"));
    ticker.scheduleAtFixedRate(this::show, 1, 1, TimeUnit.SECONDS);
  }

  @Override
  public synchronized void close() {
    if (ticker != null) {
      ticker.shutdownNow();
      ticker = null;
    }
    step = null;
    console.done(task);
  }
}
