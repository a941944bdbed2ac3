package org.genvmimage.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The one registry of the child processes that are running: those of {@link ProcessRunner} and the
 * long-running ones (QEMU) alike. A shutdown hook, installed with the first process, calls {@link
 * #killAll()} so that Ctrl-C or SIGTERM leaves no orphan behind, descendants included.
 */
public final class LiveProcesses {
  /** How long {@link #killAll()} waits after SIGTERM before it sends SIGKILL. */
  public static final Duration KILL_ALL_GRACE = Duration.ofSeconds(3);

  private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

  private LiveProcesses() {}

  /** Installs the shutdown hook when the first process is registered. */
  private static final class Hook {
    static {
      try {
        Runtime.getRuntime()
            .addShutdownHook(new Thread(LiveProcesses::killAll, "destroy-child-processes"));
      } catch (IllegalStateException alreadyShuttingDown) {
        // nothing to add: killAll() is still called by whoever is shutting down
      }
    }

    static void ensureInstalled() {}
  }

  /** Registers a started process until it ends (or is deregistered, whichever comes first). */
  public static void register(Process process) {
    Hook.ensureInstalled();
    LIVE.add(process);
    process.onExit().thenRun(() -> LIVE.remove(process));
  }

  /** Forgets a process that has ended, at once (rather than when its exit is noticed). */
  public static void deregister(Process process) {
    LIVE.remove(process);
  }

  /** The number of registered processes that are still running (or have not been noticed yet). */
  public static int count() {
    return LIVE.size();
  }

  /**
   * Kills every registered process with its descendants: SIGTERM to all of them, up to {@link
   * #KILL_ALL_GRACE} for them to end, then SIGKILL to whatever survives. The shutdown hook calls
   * this.
   */
  public static void killAll() {
    kill(List.copyOf(LIVE), KILL_ALL_GRACE);
  }

  /**
   * SIGTERM to the process and its descendants, then SIGKILL to whatever survives {@code grace}.
   * The interrupt flag is kept (an interrupt ends the wait early).
   */
  public static void killTree(Process process, Duration grace) {
    kill(List.of(process), grace);
  }

  private static void kill(List<Process> processes, Duration grace) {
    List<ProcessHandle> descendants = new ArrayList<>();
    for (Process process : processes) {
      descendants.addAll(process.descendants().toList()); // before they are orphaned
    }
    processes.forEach(Process::destroy);
    descendants.forEach(ProcessHandle::destroy);
    long deadline = System.nanoTime() + grace.toNanos();
    boolean interrupted = false;
    try {
      for (Process process : processes) {
        process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      }
    } catch (InterruptedException e) {
      interrupted = true;
    }
    processes.forEach(Process::destroyForcibly);
    descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }
}
