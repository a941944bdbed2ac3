package org.genvmimage.qemu;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.genvmimage.core.DaemonThreads;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The events of one QMP connection: a bounded queue that waiting callers claim events from, and
 * listeners called in order on a thread of their own (so a listener may send commands).
 */
final class QmpEventQueue {
  private static final Logger log = LoggerFactory.getLogger(QmpEventQueue.class);

  private final int capacity;
  private final Deque<QmpEvent> events = new ArrayDeque<>();
  private final List<Consumer<QmpEvent>> listeners = new CopyOnWriteArrayList<>();
  private final ExecutorService dispatcher;
  private boolean closed;

  /**
   * @param capacity how many unclaimed events are kept (the oldest are dropped)
   * @param threadName the name of the listeners' thread
   */
  QmpEventQueue(int capacity, String threadName) {
    this.capacity = capacity;
    this.dispatcher = Executors.newSingleThreadExecutor(DaemonThreads.named(threadName));
  }

  /** Queues {@code event}, wakes the waiting callers and passes it to the listeners. */
  void add(QmpEvent event) {
    synchronized (events) {
      events.addLast(event);
      while (events.size() > capacity) {
        events.removeFirst();
      }
      events.notifyAll();
    }
    if (!listeners.isEmpty()) {
      try {
        dispatcher.execute(
            () -> {
              for (Consumer<QmpEvent> listener : listeners) {
                try {
                  listener.accept(event);
                } catch (RuntimeException e) {
                  log.warn("QMP event listener failed on {}", event.name(), e);
                }
              }
            });
      } catch (RejectedExecutionException closing) {
        log.debug("QMP event {} after close: not passed to listeners", event.name());
      }
    }
  }

  /**
   * Waits for the next unclaimed event named {@code name} and claims it.
   *
   * @return the event; empty when none arrives within {@code timeout} or the queue closes without
   *     one
   * @throws GenVmException INTERRUPTED when the calling thread is interrupted
   */
  Optional<QmpEvent> await(String name, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (events) {
      while (true) {
        for (Iterator<QmpEvent> it = events.iterator(); it.hasNext(); ) {
          QmpEvent event = it.next();
          if (event.name().equals(name)) {
            it.remove();
            return Optional.of(event);
          }
        }
        long left = QmpConnector.remaining(deadline);
        if (closed || left <= 0) {
          return Optional.empty();
        }
        try {
          TimeUnit.NANOSECONDS.timedWait(events, left);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new GenVmException(ExitCode.INTERRUPTED, "interrupted", e);
        }
      }
    }
  }

  /** Calls {@code listener} with every event from now on. */
  void onEvent(Consumer<QmpEvent> listener) {
    listeners.add(listener);
  }

  /**
   * Wakes every waiting caller (those with no event end empty-handed) and stops the listeners'
   * thread once the events already passed to it are delivered.
   */
  void close() {
    synchronized (events) {
      closed = true;
      events.notifyAll();
    }
    dispatcher.shutdown();
  }
}
