package org.genvmimage.download;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.net.http.HttpTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.net.ssl.SSLHandshakeException;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP(S) GET into a {@link Sink}, with retries, resume by range requests and a stall watchdog.
 *
 * <p>The HTTP client's threads only receive: a {@link BodySubscriber} puts each list of buffers it
 * is handed into a bounded queue (demand is the queue's free room, so the heap stays small). The
 * calling thread takes them off the queue and hashes and writes them, so receiving overlaps with
 * hashing and writing. Between buffers it reports progress, and it cancels the exchange when the
 * response has sent nothing for the stall timeout or when the thread is interrupted. Cancelling
 * closes the connection; only the calling thread ever touches the sink.
 */
final class HttpTransfer {
  private static final Logger log = LoggerFactory.getLogger(HttpTransfer.class);
  private static final String USER_AGENT = "gen-vm-image";
  private static final int MAX_RESTARTS = 2;
  private static final long REPORT_NANOS = 100_000_000L;

  /** The size of the buffers the HTTP client hands out (its own setting; 16 KiB by default). */
  private static final int CLIENT_BUFFER_SIZE =
      Math.max(4096, Integer.getInteger("jdk.httpclient.bufsize", 16 * 1024));

  /** Marks the end of a body in an attempt's queue (compared by identity). */
  private static final List<ByteBuffer> END = new java.util.ArrayList<>(0);

  private final Supplier<HttpClient> clients;
  private final DownloadSettings settings;
  private volatile HttpClient client;
  private Set<Thread> selectors = Set.of();

  /**
   * @param clients makes the HTTP client when the first request needs it (building one costs
   *     noticeable time, which a run served from the cache need not pay)
   */
  HttpTransfer(Supplier<HttpClient> clients, DownloadSettings settings) {
    this.clients = clients;
    this.settings = settings;
  }

  private HttpClient client() {
    HttpClient c = client;
    if (c == null) {
      synchronized (this) {
        c = client;
        if (c == null) {
          synchronized (HttpTransfer.class) {
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

  /**
   * Fetches {@code uri} into {@code sink}, continuing after the bytes it already holds when the
   * server allows.
   *
   * @return the bytes received over the network
   * @throws GenVmException DOWNLOAD_FAILED when the server refuses or every attempt failed,
   *     INTERRUPTED when the thread was interrupted
   */
  /** An attempt that received at least this much made progress (see {@link #run}). */
  static final long PROGRESS_BYTES = 1 << 20;

  /** However much progress is made, a fetch gives up after this many times --retries attempts. */
  static final int MAX_ATTEMPTS_FACTOR = 10;

  long run(URI uri, Sink sink, DownloadListener listener) {
    int attempts = 0;
    int streak = 0;
    int restarts = 0;
    long received = 0;
    while (true) {
      attempts++;
      Attempt attempt = new Attempt(uri, sink, listener);
      try {
        attempt.run();
        return received + attempt.received;
      } catch (Retry retry) {
        received += attempt.received;
        Duration delay;
        if (retry.restart && restarts < MAX_RESTARTS) {
          restarts++;
          delay = Duration.ZERO;
        } else {
          // Only real progress starts the count again: a server that drips a few bytes per
          // connection must not keep a run going for ever.
          streak = attempt.received >= PROGRESS_BYTES ? 1 : streak + 1;
          if (streak >= settings.maxAttempts()
              || attempts >= settings.maxAttempts() * MAX_ATTEMPTS_FACTOR) {
            throw new GenVmException(
                ExitCode.DOWNLOAD_FAILED,
                uri
                    + ": "
                    + retry.reason
                    + " (after "
                    + attempts
                    + (attempts == 1 ? " attempt)" : " attempts)"),
                retry.getCause());
          }
          delay = backoff(streak, retry.retryAfter);
        }
        log.debug("{}: {}; retrying in {} ms", uri, retry.reason, delay.toMillis());
        listener.retrying(uri, streak + 1, settings.maxAttempts(), delay, retry.reason);
        try {
          TimeUnit.NANOSECONDS.sleep(delay.toNanos());
        } catch (InterruptedException e) {
          throw interrupted();
        }
      }
    }
  }

  /** The wait before the next attempt after {@code streak} failures in a row. */
  Duration backoff(int streak, Duration retryAfter) {
    Duration max = settings.maxBackoff();
    Duration delay = settings.initialBackoff();
    for (int i = 1; i < streak && delay.compareTo(max) < 0; i++) {
      delay = delay.multipliedBy(2);
    }
    if (delay.compareTo(max) > 0) {
      delay = max;
    }
    if (retryAfter != null && retryAfter.compareTo(delay) > 0) {
      delay = retryAfter.compareTo(max) > 0 ? max : retryAfter;
    }
    return delay;
  }

  static GenVmException interrupted() {
    return new GenVmException(ExitCode.INTERRUPTED, "interrupted");
  }

  private enum Outcome {
    NONE,
    BODY,
    COMPLETE,
    RESTART,
    STATUS,
    LOCAL_FAILURE
  }

  /** One request and its response. */
  private final class Attempt {
    private final URI uri;
    private final Sink sink;
    private final DownloadListener listener;
    private final int capacity;
    private final ArrayBlockingQueue<List<ByteBuffer>> queue;

    // Written by HTTP client threads, read by the calling thread.
    private volatile boolean aborted;
    private volatile long headersAt;
    private volatile Outcome outcome = Outcome.NONE;
    private volatile int status;
    private volatile HttpHeaders headers;
    private volatile DownloadCache.PartInfo startInfo;
    private volatile long total = -1;
    private volatile long alreadyHave;
    private volatile long expectedBody = -1;
    private volatile String restartReason;
    private volatile Throwable bodyError;
    private volatile Flow.Subscription subscription;

    // The calling thread's own.
    private long offset;
    private long knownTotal;
    private long received;
    private long lastActivity;
    private boolean prepared;
    private boolean startedReported;
    private long lastReported = -1;
    private long lastReportAt;
    private int consumed;
    private final int batch;

    Attempt(URI uri, Sink sink, DownloadListener listener) {
      this.uri = uri;
      this.sink = sink;
      this.listener = listener;
      this.capacity = Math.max(4, Math.min(1024, 2 * settings.bufferSize() / CLIENT_BUFFER_SIZE));
      this.queue = new ArrayBlockingQueue<>(capacity + 1);
      this.batch = Math.max(1, capacity / 8);
    }

    void run() throws Retry {
      try {
        if (!sink.resumable() && sink.size() > 0) {
          sink.restart(null);
        }
      } catch (IOException e) {
        throw local(e);
      }
      offset = sink.size();
      knownTotal = sink.knownTotal();
      HttpRequest.Builder request =
          HttpRequest.newBuilder(uri)
              .GET()
              .header("User-Agent", USER_AGENT)
              .header("Accept-Encoding", "identity");
      if (offset > 0) {
        request.header("Range", "bytes=" + offset + "-");
        String validator = sink.ifRange(uri);
        if (validator != null) {
          request.header("If-Range", validator);
        }
      }
      lastActivity = System.nanoTime();
      headersAt = lastActivity;
      CompletableFuture<HttpResponse<Void>> response;
      try {
        response = client().sendAsync(request.build(), this::onHeaders);
      } catch (IllegalArgumentException e) {
        throw new GenVmException(ExitCode.DOWNLOAD_FAILED, uri + ": " + e.getMessage(), e);
      }
      Throwable failure;
      boolean ended = false;
      try {
        failure = pump(response);
        ended = true;
      } finally {
        if (!ended) {
          abort(response);
        }
      }
      if (failure != null) {
        abort(response); // make sure the connection is closed
      }
      try {
        sink.flush();
      } catch (IOException e) {
        throw local(e);
      }
      report(true);
      evaluate(failure);
    }

    /**
     * Moves the body from the queue into the sink until the exchange ends, watching for stalls and
     * interrupts; returns the exchange's failure, or null.
     */
    private Throwable pump(CompletableFuture<HttpResponse<Void>> response) throws Retry {
      long stallNanos = settings.stallTimeout().toNanos();
      long pollMillis = Math.max(10, Math.min(100, settings.stallTimeout().toMillis() / 4));
      while (true) {
        List<ByteBuffer> item;
        try {
          item = queue.poll(pollMillis, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          abort(response);
          throw interrupted();
        }
        if (item == END) {
          prepare();
          return bodyError;
        }
        if (item != null) {
          prepare();
          try {
            for (ByteBuffer buffer : item) {
              int n = buffer.remaining();
              sink.accept(buffer);
              received += n;
            }
          } catch (IOException e) {
            abort(response);
            throw local(e);
          }
          if (++consumed >= batch) {
            subscription.request(consumed);
            consumed = 0;
          }
          lastActivity = System.nanoTime();
          report(false);
          continue;
        }
        if (response.isDone() && (outcome != Outcome.BODY || response.isCompletedExceptionally())) {
          try {
            response.getNow(null);
            return null;
          } catch (CompletionException | CancellationException e) {
            return e.getCause() != null ? e.getCause() : e;
          }
        }
        report(true);
        long answered = headersAt;
        long last = answered - lastActivity > 0 ? answered : lastActivity;
        long idle = System.nanoTime() - last;
        if (idle > stallNanos) {
          abort(response);
          String reason =
              outcome == Outcome.NONE
                  ? "no response for " + seconds(settings.stallTimeout())
                  : "stalled: no data for " + seconds(settings.stallTimeout());
          throw new Retry(reason, null, false, null);
        }
      }
    }

    /** Before the first body bytes: a full (200) response replaces what the sink held. */
    private void prepare() throws Retry {
      if (prepared || outcome != Outcome.BODY) {
        return;
      }
      prepared = true;
      if (status == 200) {
        if (offset > 0) {
          log.info("{}: the server sent the whole file; downloading from the start", uri);
        }
        try {
          sink.restart(startInfo);
        } catch (IOException e) {
          throw local(e);
        }
      }
    }

    /** Cancels the exchange; the connection is closed and nothing more reaches the queue. */
    private void abort(CompletableFuture<?> response) {
      aborted = true;
      response.cancel(true);
      Flow.Subscription s = subscription;
      if (s != null) {
        s.cancel();
      }
      queue.clear();
    }

    private void evaluate(Throwable failure) throws Retry {
      if (failure instanceof CompletionException && failure.getCause() != null) {
        failure = failure.getCause();
      }
      if (failure != null) {
        if (outcome == Outcome.BODY) {
          throw new Retry("connection lost after " + bytesSoFar(), null, false, failure);
        }
        throw classify(uri, failure);
      }
      switch (outcome) {
        case BODY:
          if (expectedBody >= 0 && received < expectedBody) {
            throw new Retry("connection closed after " + bytesSoFar(), null, false, null);
          }
          return;
        case COMPLETE:
          return;
        case RESTART:
          try {
            sink.restart(null);
          } catch (IOException e) {
            throw local(e);
          }
          throw new Retry(restartReason, null, true, null);
        case STATUS:
          String text = "HTTP " + status + reasonPhrase(status);
          if (status == 408 || status == 429 || status >= 500) {
            throw new Retry(text, retryAfter(headers), false, null);
          }
          if (status >= 300 && status < 400) {
            text +=
                headers
                    .firstValue("Location")
                    .map(l -> " (redirect to " + l + " not followed)")
                    .orElse("");
          }
          throw new GenVmException(ExitCode.DOWNLOAD_FAILED, uri + ": " + text);
        default:
          throw new GenVmException(ExitCode.DOWNLOAD_FAILED, uri + ": no response");
      }
    }

    private String bytesSoFar() {
      long have = sink.size();
      return total >= 0 ? have + " of " + total + " bytes" : have + " bytes";
    }

    private GenVmException local(IOException e) {
      if (e instanceof ClosedByInterruptException) {
        return interrupted();
      }
      if (sink instanceof FileSink f) {
        // the cache's file system failed (a full disk, permissions), not the download
        return f.failure(e, total);
      }
      return new GenVmException(ExitCode.DOWNLOAD_FAILED, uri + ": " + e.getMessage(), e);
    }

    /** Tells the listener how far the body got; at most every 100 ms unless {@code now}. */
    private void report(boolean now) {
      if (!startedReported && outcome == Outcome.BODY) {
        startedReported = true;
        listener.started(uri, total, alreadyHave);
      }
      if (!startedReported) {
        return;
      }
      long time = System.nanoTime();
      if (!now && time - lastReportAt < REPORT_NANOS) {
        return;
      }
      long have = sink.size();
      if (have != lastReported) {
        lastReported = have;
        lastReportAt = time;
        listener.progress(have, total);
      }
    }

    /** Decides from the status line and headers what to do with the body (client thread). */
    private BodySubscriber<Void> onHeaders(ResponseInfo info) {
      if (aborted) {
        return new Cancelling();
      }
      headersAt = System.nanoTime();
      status = info.statusCode();
      headers = info.headers();
      long contentLength = headers.firstValueAsLong("Content-Length").orElse(-1);
      switch (status) {
        case 200:
          startInfo =
              new DownloadCache.PartInfo(
                  uri,
                  headers.firstValue("ETag").orElse(null),
                  headers.firstValue("Last-Modified").orElse(null),
                  contentLength);
          total = contentLength;
          alreadyHave = 0;
          expectedBody = contentLength;
          return streaming();
        case 206:
          {
            ContentRange range =
                ContentRange.parse(headers.firstValue("Content-Range").orElse(null));
            if (range == null
                || range.start() != offset
                || (knownTotal >= 0 && range.total() >= 0 && range.total() != knownTotal)) {
              outcome = Outcome.RESTART;
              restartReason =
                  "unexpected partial response ("
                      + headers.firstValue("Content-Range").orElse("no Content-Range")
                      + " for bytes "
                      + offset
                      + "-)";
              return new Cancelling();
            }
            total = range.total();
            alreadyHave = offset;
            expectedBody = range.end() - range.start() + 1;
            return streaming();
          }
        case 416:
          {
            ContentRange range =
                ContentRange.parse(headers.firstValue("Content-Range").orElse(null));
            if (offset > 0 && range != null && range.total() == offset) {
              total = offset;
              outcome = Outcome.COMPLETE;
            } else {
              outcome = Outcome.RESTART;
              restartReason = "the server refused to resume at byte " + offset + " (HTTP 416)";
            }
            return new Cancelling();
          }
        default:
          outcome = Outcome.STATUS;
          return new Cancelling();
      }
    }

    private BodySubscriber<Void> streaming() {
      outcome = Outcome.BODY;
      return new Streaming();
    }

    /**
     * Queues the client's buffers for the calling thread. Demand never exceeds the free slots of
     * the queue (the calling thread asks for more in batches as it takes lists off), so the queue
     * never overflows and at most {@code capacity} lists are held.
     */
    private final class Streaming implements BodySubscriber<Void> {
      private final CompletableFuture<Void> done = new CompletableFuture<>();

      @Override
      public CompletionStage<Void> getBody() {
        return done;
      }

      @Override
      public void onSubscribe(Flow.Subscription s) {
        subscription = s;
        if (aborted) {
          s.cancel();
        } else {
          s.request(capacity);
        }
      }

      @Override
      public void onNext(List<ByteBuffer> buffers) {
        if (!aborted && !queue.offer(buffers)) {
          onError(new IllegalStateException("body queue overflow"));
        }
      }

      @Override
      public void onError(Throwable t) {
        bodyError = t;
        queue.offer(END);
        done.completeExceptionally(t);
      }

      @Override
      public void onComplete() {
        queue.offer(END);
        done.complete(null);
      }
    }
  }

  /** Refuses the body: the connection is closed instead of read to the end. */
  private static final class Cancelling implements BodySubscriber<Void> {
    @Override
    public CompletionStage<Void> getBody() {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      s.cancel();
    }

    @Override
    public void onNext(List<ByteBuffer> item) {}

    @Override
    public void onError(Throwable throwable) {}

    @Override
    public void onComplete() {}
  }

  /** A failure that another attempt may get past. */
  private static final class Retry extends Exception {
    private static final long serialVersionUID = 1L;
    final String reason;
    final transient Duration retryAfter;
    final boolean restart;

    Retry(String reason, Duration retryAfter, boolean restart, Throwable cause) {
      super(reason, cause, false, false);
      this.reason = reason;
      this.retryAfter = retryAfter;
      this.restart = restart;
    }
  }

  /** Turns a failure before any response into a retry or a final error. */
  private Retry classify(URI uri, Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        throw new GenVmException(
            ExitCode.DOWNLOAD_FAILED, uri + ": unknown host '" + uri.getHost() + "'", failure);
      }
      if (t instanceof SSLHandshakeException) {
        throw new GenVmException(
            ExitCode.DOWNLOAD_FAILED, uri + ": TLS handshake failed: " + t.getMessage(), failure);
      }
    }
    if (failure instanceof HttpConnectTimeoutException) {
      return new Retry(
          "connect timed out after " + seconds(settings.connectTimeout()), null, false, failure);
    }
    if (failure instanceof HttpTimeoutException) {
      return new Retry("timed out", null, false, failure);
    }
    if (failure instanceof ConnectException) {
      String message = deepestMessage(failure);
      if (message == null || message.toLowerCase(Locale.ROOT).contains("refused")) {
        return new Retry("connection refused", null, false, failure);
      }
      return new Retry("cannot connect: " + message, null, false, failure);
    }
    if (failure instanceof IOException) {
      String message = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
      if (message.contains("reset")) {
        return new Retry("connection reset", null, false, failure);
      }
      if (message.contains("eof") || message.contains("closed")) {
        return new Retry("connection closed before a response", null, false, failure);
      }
      return new Retry("network error: " + failure.getMessage(), null, false, failure);
    }
    throw new GenVmException(ExitCode.DOWNLOAD_FAILED, uri + ": " + describe(failure), failure);
  }

  private static String describe(Throwable t) {
    String message = deepestMessage(t);
    return message != null ? message : t.getClass().getSimpleName();
  }

  private static String deepestMessage(Throwable t) {
    String message = null;
    for (; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage();
      }
    }
    return message;
  }

  /** "60 s", "0.3 s". */
  static String seconds(Duration d) {
    long millis = d.toMillis();
    if (millis % 1000 == 0) {
      return millis / 1000 + " s";
    }
    return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  /** A Retry-After header as a wait, or null when absent or not understood. */
  static Duration retryAfter(HttpHeaders headers) {
    if (headers == null) {
      return null;
    }
    String value = headers.firstValue("Retry-After").orElse(null);
    if (value == null) {
      return null;
    }
    value = value.trim();
    try {
      return Duration.ofSeconds(Math.max(0, Long.parseLong(value)));
    } catch (NumberFormatException e) {
      // an HTTP date
    }
    try {
      Instant when = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      Duration d = Duration.between(Instant.now(), when);
      return d.isNegative() ? Duration.ZERO : d;
    } catch (RuntimeException e) {
      return null;
    }
  }

  /** A parsed {@code Content-Range}; {@code start} and {@code end} are -1 in "bytes *&#47;n". */
  record ContentRange(long start, long end, long total) {
    private static final Pattern RANGE =
        Pattern.compile("bytes\\s+(?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)", Pattern.CASE_INSENSITIVE);

    static ContentRange parse(String header) {
      if (header == null) {
        return null;
      }
      Matcher m = RANGE.matcher(header.trim());
      if (!m.matches()) {
        return null;
      }
      try {
        long start = m.group(1) == null ? -1 : Long.parseLong(m.group(1));
        long end = m.group(2) == null ? -1 : Long.parseLong(m.group(2));
        long total = "*".equals(m.group(3)) ? -1 : Long.parseLong(m.group(3));
        if (start > end || (total >= 0 && end >= total)) {
          return null;
        }
        return new ContentRange(start, end, total);
      } catch (NumberFormatException e) {
        return null;
      }
    }
  }

  private static final Map<Integer, String> PHRASES =
      Map.ofEntries(
          Map.entry(301, "Moved Permanently"),
          Map.entry(302, "Found"),
          Map.entry(303, "See Other"),
          Map.entry(307, "Temporary Redirect"),
          Map.entry(308, "Permanent Redirect"),
          Map.entry(400, "Bad Request"),
          Map.entry(401, "Unauthorized"),
          Map.entry(403, "Forbidden"),
          Map.entry(404, "Not Found"),
          Map.entry(405, "Method Not Allowed"),
          Map.entry(406, "Not Acceptable"),
          Map.entry(407, "Proxy Authentication Required"),
          Map.entry(408, "Request Timeout"),
          Map.entry(410, "Gone"),
          Map.entry(416, "Range Not Satisfiable"),
          Map.entry(429, "Too Many Requests"),
          Map.entry(500, "Internal Server Error"),
          Map.entry(501, "Not Implemented"),
          Map.entry(502, "Bad Gateway"),
          Map.entry(503, "Service Unavailable"),
          Map.entry(504, "Gateway Timeout"));

  static String reasonPhrase(int status) {
    String phrase = PHRASES.get(status);
    return phrase == null ? "" : " " + phrase;
  }
}
