package org.genvmimage.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.genvmimage.process.LiveProcesses;

/**
 * Runs work so that Ctrl-C or SIGTERM cancels it cleanly: the shutdown hook cancels the work, kills
 * child processes, and holds the JVM until the work has cleaned up (at most 30 s).
 */
final class Interruptible {
  private static final long CLEANUP_SECONDS = 30;

  private Interruptible() {}

  static <T> T run(Supplier<T> work, Runnable cancel) {
    CountDownLatch finished = new CountDownLatch(1);
    Thread hook =
        new Thread(
            () -> {
              cancel.run();
              LiveProcesses.killAll();
              try {
                finished.await(CLEANUP_SECONDS, TimeUnit.SECONDS);
              } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
              }
            },
            "interrupt-cleanup");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return work.get();
    } finally {
      finished.countDown();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is already running: the JVM exits after it
      }
    }
  }
}
