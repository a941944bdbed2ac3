package org.genvmimage.core;

import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/** Daemon threads (they never keep the JVM alive), each with a name that says what it does. */
public final class DaemonThreads {
  private DaemonThreads() {}

  /** A factory of daemon threads named {@code namePrefix-1}, {@code namePrefix-2}, and so on. */
  public static ThreadFactory factory(String namePrefix) {
    AtomicInteger number = new AtomicInteger();
    return task -> create(namePrefix + "-" + number.incrementAndGet(), task);
  }

  /** A factory whose threads are all named {@code name}: for a single-thread executor. */
  public static ThreadFactory named(String name) {
    return task -> create(name, task);
  }

  /** A daemon thread that runs {@code task}, not started yet. */
  public static Thread create(String name, Runnable task) {
    Thread thread = new Thread(task, name);
    thread.setDaemon(true);
    return thread;
  }

  /** Starts a daemon thread that runs {@code task}. */
  public static Thread start(String name, Runnable task) {
    Thread thread = create(name, task);
    thread.start();
    return thread;
  }
}
