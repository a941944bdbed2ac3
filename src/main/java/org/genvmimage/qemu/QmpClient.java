package org.genvmimage.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.genvmimage.core.DaemonThreads;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A client of the QEMU Machine Protocol over a unix socket, safe for use from many threads.
 *
 * <p>Commands are written with {@link SocketChannel#write} under a lock ({@link QmpWire}); one
 * reader thread reads the stream (QMP sends one JSON object per line), completes the caller waiting
 * for each reply by its {@code id}, and queues events for {@link #awaitEvent} and the listeners
 * (which run on a thread of their own, so a listener may send commands: {@link QmpEventQueue}).
 * Stream adapters are not used: on one channel, {@code Channels.newInputStream} and {@code
 * newOutputStream} share a lock, so a write would wait for a blocked read.
 *
 * <p>When QEMU exits, the socket closes: every waiting call fails at once with {@link
 * QmpException}, later calls fail immediately, the reader thread ends, and {@link #closed()}
 * completes.
 */
public final class QmpClient implements AutoCloseable {
  /** The limit for commands sent without one. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  /** How many unclaimed events are kept for {@link #awaitEvent} (the oldest are dropped). */
  public static final int MAX_QUEUED_EVENTS = 1024;

  private static final Logger log = LoggerFactory.getLogger(QmpClient.class);

  private record Pending(String command, CompletableFuture<JsonNode> reply) {}

  private final SocketChannel channel;
  private final QmpWire wire;
  private final Path socket;
  private final AtomicLong ids = new AtomicLong();
  private final Map<String, Pending> pending = new ConcurrentHashMap<>();
  private final CompletableFuture<JsonNode> greeting = new CompletableFuture<>();
  private final CompletableFuture<Void> closed = new CompletableFuture<>();
  private final QmpEventQueue events;
  private final Thread reader;
  private final Object closeLock = new Object();
  private volatile String closeReason;

  private QmpClient(SocketChannel channel, Path socket) {
    this.channel = channel;
    this.wire = new QmpWire(channel);
    this.socket = socket;
    String name = String.valueOf(socket.getFileName());
    this.events = new QmpEventQueue(MAX_QUEUED_EVENTS, "qmp-events-" + name);
    this.reader = DaemonThreads.create("qmp-reader-" + name, this::read);
  }

  /**
   * Connects to the QMP socket, retrying while it does not exist or refuses (QEMU is still
   * starting), then reads the greeting and leaves negotiation mode with {@code qmp_capabilities}.
   *
   * @param timeout the limit for all of it
   * @param keepTrying asked before each retry; false (say, QEMU has exited) stops at once
   * @throws GenVmException TOOL_FAILED when no connection is made in time or {@code keepTrying}
   *     says stop, INTERRUPTED when the calling thread is interrupted
   * @throws QmpException when the handshake fails
   * @throws IllegalArgumentException when {@code socket} is too long for a unix socket address
   */
  public static QmpClient connect(Path socket, Duration timeout, BooleanSupplier keepTrying) {
    long deadline = System.nanoTime() + timeout.toNanos();
    SocketChannel channel = QmpConnector.open(socket, deadline, timeout, keepTrying);
    QmpClient client = new QmpClient(channel, socket);
    client.reader.start();
    try {
      client.greeting.get(QmpConnector.remaining(deadline), TimeUnit.NANOSECONDS);
      client.execute(
          "qmp_capabilities",
          null,
          Duration.ofNanos(Math.max(1, QmpConnector.remaining(deadline))));
      return client;
    } catch (TimeoutException e) {
      client.close();
      throw new QmpException(
          "greeting",
          null,
          "no QMP greeting on " + socket + " within " + QmpConnector.seconds(timeout) + " s");
    } catch (ExecutionException e) {
      client.close();
      throw new QmpException(
          "greeting", null, "no QMP greeting on " + socket + ": " + client.closeReason);
    } catch (InterruptedException e) {
      client.close();
      Thread.currentThread().interrupt();
      throw new GenVmException(ExitCode.INTERRUPTED, "interrupted", e);
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  /** {@link #connect(Path, Duration, BooleanSupplier)} that retries until the timeout. */
  public static QmpClient connect(Path socket, Duration timeout) {
    return connect(socket, timeout, () -> true);
  }

  /** The greeting QEMU sent ({@code {"QMP": {"version": ..., "capabilities": ...}}}). */
  public JsonNode greeting() {
    return greeting.getNow(null);
  }

  /** Runs {@code command} without arguments, waiting up to {@link #DEFAULT_TIMEOUT}. */
  public JsonNode execute(String command) {
    return execute(command, null, DEFAULT_TIMEOUT);
  }

  /** Runs {@code command} without arguments, waiting up to {@code timeout}. */
  public JsonNode execute(String command, Duration timeout) {
    return execute(command, null, timeout);
  }

  /**
   * Runs {@code command} and waits for its reply.
   *
   * @param arguments its arguments (a JSON object), or null
   * @return the {@code return} member of the reply
   * @throws QmpException with QEMU's {@code error.desc} when QEMU answers with an error; when no
   *     reply comes within {@code timeout}; when the connection closes first
   * @throws GenVmException INTERRUPTED when the calling thread is interrupted
   */
  public JsonNode execute(String command, JsonNode arguments, Duration timeout) {
    CompletableFuture<JsonNode> reply = send(command, arguments);
    try {
      return reply.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      reply.cancel(false);
      throw new QmpException(
          command,
          null,
          "QMP " + command + ": no reply within " + QmpConnector.seconds(timeout) + " s");
    } catch (ExecutionException e) {
      if (e.getCause() instanceof QmpException q) {
        throw new QmpException(q.command(), q.errorClass(), q.getMessage()); // the caller's stack
      }
      throw new QmpException(command, null, "QMP " + command + " failed: " + e.getCause());
    } catch (InterruptedException e) {
      reply.cancel(false);
      Thread.currentThread().interrupt();
      throw new GenVmException(ExitCode.INTERRUPTED, "interrupted", e);
    }
  }

  /**
   * Sends {@code command} and returns at once; the future completes with the {@code return} member
   * of the reply, or fails with {@link QmpException}.
   */
  public CompletableFuture<JsonNode> send(String command, JsonNode arguments) {
    String id = "gvi-" + ids.incrementAndGet();
    CompletableFuture<JsonNode> reply = new CompletableFuture<>();
    String reason = closeReason;
    if (reason != null) {
      reply.completeExceptionally(closedFailure(command, reason));
      return reply;
    }
    JsonNode message = QmpWire.command(command, arguments, id);
    pending.put(id, new Pending(command, reply));
    reply.whenComplete((value, failure) -> pending.remove(id));
    reason = closeReason;
    if (reason != null) { // closed while registering: the reader may have missed this call
      reply.completeExceptionally(closedFailure(command, reason));
      return reply;
    }
    try {
      wire.write(message);
    } catch (IOException e) {
      reply.completeExceptionally(sendFailure(command, e));
    }
    return reply;
  }

  /**
   * {@code query-status}: the run state, e.g. {@code running}, {@code paused}, {@code shutdown}.
   */
  public String queryStatus() {
    return execute("query-status").path("status").asText();
  }

  /** {@code system_powerdown}: presses the power button (ACPI); the guest decides what to do. */
  public void systemPowerdown() {
    execute("system_powerdown");
  }

  /** {@code stop}: pauses the guest (a STOP event follows). */
  public void stop() {
    execute("stop");
  }

  /** {@code cont}: resumes the guest (a RESUME event follows). */
  public void cont() {
    execute("cont");
  }

  /**
   * {@code quit}: QEMU exits at once. A connection closed before the reply counts as success, as
   * QEMU may exit before the reply is read.
   */
  public void quit(Duration timeout) {
    try {
      execute("quit", null, timeout);
    } catch (QmpException e) {
      if (e.errorClass() != null || closeReason == null) {
        throw e;
      }
    }
  }

  /**
   * Waits for the next unclaimed event named {@code name} and claims it (other events stay queued
   * for other callers). Events count from the connection on.
   *
   * @return the event; empty when none arrives within {@code timeout} or the connection closes
   *     without one
   * @throws GenVmException INTERRUPTED when the calling thread is interrupted
   */
  public Optional<QmpEvent> awaitEvent(String name, Duration timeout) {
    return events.await(name, timeout);
  }

  /**
   * Calls {@code listener} with every event from now on, in order, on the client's event thread
   * (not the reader, so it may send commands; it should not block for long).
   */
  public void onEvent(Consumer<QmpEvent> listener) {
    events.onEvent(listener);
  }

  /** Whether the connection is still open. */
  public boolean isOpen() {
    return closeReason == null;
  }

  /** Completes when the connection has closed (QEMU exited, or {@link #close()}). */
  public CompletableFuture<Void> closed() {
    return closed;
  }

  /** Why the connection closed, or null while it is open. */
  public String closeReason() {
    return closeReason;
  }

  /** The socket this client is connected to. */
  public Path socket() {
    return socket;
  }

  /** Closes the connection (QEMU keeps running); pending calls fail. Waits for the reader. */
  @Override
  public void close() {
    shutdown("the QMP connection was closed");
    try {
      channel.close();
    } catch (IOException e) {
      log.debug("closing QMP channel: {}", e.toString());
    }
    if (Thread.currentThread() != reader) {
      try {
        reader.join(2000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Whether the reader thread is still running (for tests). */
  boolean readerAlive() {
    return reader.isAlive();
  }

  private void read() {
    String reason = "QEMU closed the QMP connection";
    try {
      wire.readAll(this::handle);
    } catch (AsynchronousCloseException e) {
      reason = "the QMP connection was closed";
    } catch (IOException e) {
      reason = "QEMU closed the QMP connection (" + e.getMessage() + ")";
    } catch (RuntimeException e) {
      reason = "the QMP connection failed: " + e;
      log.warn("QMP reader failed", e);
    } finally {
      shutdown(reason);
      try {
        channel.close();
      } catch (IOException ignored) {
        // already closed or broken: nothing more to release
      }
    }
  }

  /** Routes one message: the greeting, an event, or the reply to the call with its {@code id}. */
  private void handle(JsonNode message) {
    if (message.has("QMP")) {
      greeting.complete(message);
    } else if (message.has("event")) {
      QmpEvent event = QmpWire.event(message);
      log.debug("QMP event {} {}", event.name(), event.data());
      events.add(event);
    } else if (message.has("return") || message.has("error")) {
      reply(message);
    } else {
      log.debug("ignoring an unknown QMP message: {}", message);
    }
  }

  private void reply(JsonNode message) {
    JsonNode id = message.get("id");
    Pending call = id == null ? null : pending.remove(id.asText());
    if (call == null) {
      log.debug("QMP reply for no waiting call: {}", message);
      return;
    }
    JsonNode error = message.get("error");
    if (error != null) {
      call.reply().completeExceptionally(QmpWire.error(call.command(), error));
    } else {
      call.reply().complete(message.get("return"));
    }
  }

  /** Marks the connection closed (first reason wins) and fails everything that waits. */
  private void shutdown(String reason) {
    synchronized (closeLock) {
      if (closeReason == null) {
        closeReason = reason;
      }
    }
    events.close();
    String why = closeReason;
    for (Pending call : List.copyOf(pending.values())) {
      call.reply().completeExceptionally(closedFailure(call.command(), why));
    }
    greeting.completeExceptionally(new QmpException("greeting", null, why));
    closed.complete(null);
  }

  /** A failed write means the peer is gone: say so as the reader will (it sees EOF shortly). */
  private QmpException sendFailure(String command, IOException e) {
    try {
      closed.get(1, TimeUnit.SECONDS);
    } catch (TimeoutException | ExecutionException stillOpen) {
      // the reader has not noticed yet: report the write error itself
    } catch (InterruptedException interrupted) {
      Thread.currentThread().interrupt();
    }
    String reason = closeReason;
    return reason != null
        ? closedFailure(command, reason)
        : new QmpException(command, null, "QMP " + command + ": cannot send: " + e.getMessage());
  }

  private static QmpException closedFailure(String command, String reason) {
    return new QmpException(command, null, "QMP " + command + ": " + reason);
  }

  @Override
  public String toString() {
    return "QMP " + socket + (isOpen() ? "" : " (closed: " + closeReason + ")");
  }
}
