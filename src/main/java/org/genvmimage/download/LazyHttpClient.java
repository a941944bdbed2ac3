package org.genvmimage.download;

import java.net.http.HttpClient;
import java.util.HashSet;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An HTTP client made when the first request needs it (building one costs noticeable time, which a
 * run served from the cache need not pay), and stopped on {@link #close()}.
 */
final class LazyHttpClient {
  private static final Logger log = LoggerFactory.getLogger(LazyHttpClient.class);

  private final Supplier<HttpClient> clients;
  private volatile HttpClient client;
  private Set<Thread> selectors = Set.of();

  LazyHttpClient(Supplier<HttpClient> clients) {
    this.clients = clients;
  }

  /** The client, made on the first call. */
  HttpClient get() {
    HttpClient c = client;
    if (c == null) {
      synchronized (this) {
        c = client;
        if (c == null) {
          synchronized (LazyHttpClient.class) {
            Set<Thread> before = selectorThreads();
            c = clients.get();
            Set<Thread> started = selectorThreads();
            started.removeAll(before);
            selectors = started;
          }
          client = c;
        }
      }
    }
    return c;
  }

  /** The selector threads of the JDK's HTTP clients: one per client, named by the JDK. */
  private static Set<Thread> selectorThreads() {
    Set<Thread> found = new HashSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("HttpClient-") && t.getName().endsWith("-SelectorManager")) {
        found.add(t);
      }
    }
    return found;
  }

  /**
   * Stops the HTTP client, if one was made. The JDK 17 client has no close(); its selector thread
   * waits in the kernel until the client is garbage collected, and a JVM that exits while a thread
   * waits there pauses 300 ms to let it return. That thread ends when interrupted; the client is
   * not used afterwards.
   */
  void close() {
    HttpClient c;
    synchronized (this) {
      c = client;
      client = null;
    }
    if (c == null) {
      return;
    }
    if (c instanceof AutoCloseable closeable) { // JDK 21 and later
      try {
        closeable.close();
      } catch (Exception e) {
        log.debug("closing the HTTP client: {}", e.toString());
      }
      return;
    }
    for (Thread t : selectors) {
      t.interrupt();
    }
    for (Thread t : selectors) {
      try {
        t.join(1000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }
}
