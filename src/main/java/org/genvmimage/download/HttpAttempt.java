package org.genvmimage.download;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.genvmimage.core.DaemonThreads;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its response, the body moved into a {@link Sink} on the calling thread: the
 * single-connection primitive (a whole file, the rest of it after the bytes the sink holds, or one
 * range of it when the sink says so with {@link Sink#firstByte()} and {@link Sink#lastByte()}).
 *
 * <p>A reader thread of its own sends the request ({@link HttpGet}) and reads the body from the
 * socket into a few large arrays ({@link BodyReader}); the calling thread hashes and writes each
 * (the sink's work), so reading overlaps with hashing and writing on two cores. Between arrays the
 * calling thread reports progress; it closes the connection when the response has sent nothing for
 * the stall timeout or when the thread is interrupted, and waits for the reader thread to end. Only
 * the calling thread ever touches the sink.
 */
final class HttpAttempt {
  private static final Logger log = LoggerFactory.getLogger(HttpAttempt.class);
  private static final long REPORT_NANOS = 100_000_000L;

  /** How long a finished attempt waits for its reader thread to close the connection. */
  private static final long READER_JOIN_MILLIS = 2000;

  private enum Outcome {
    NONE,
    BODY,
    COMPLETE,
    RESTART,
    STATUS,
    RANGE_IGNORED
  }

  private final DownloadSettings settings;
  private final URI uri;
  private final Sink sink;
  private final DownloadListener listener;
  private final BodyReader body;
  private HttpGet get;
  private Thread reader;

  // Written by the reader thread, read by the calling thread.
  private volatile long headersAt;
  private volatile Outcome outcome = Outcome.NONE;
  private volatile int status;
  private volatile HttpHeaders headers;
  private volatile PartInfo startInfo;
  private volatile long total = -1;
  private volatile long alreadyHave;
  private volatile long expectedBody = -1;
  private volatile String restartReason;

  // The calling thread's own.
  private Resume resume;
  private long received;
  private long lastActivity;
  private boolean prepared;
  private boolean startedReported;
  private long lastReported = -1;
  private long lastReportAt;

  HttpAttempt(DownloadSettings settings, URI uri, Sink sink, DownloadListener listener) {
    this.settings = settings;
    this.uri = uri;
    this.sink = sink;
    this.listener = listener;
    this.body = new BodyReader(settings.bufferSize());
  }

  /** The bytes received over the network so far. */
  long received() {
    return received;
  }

  /**
   * Sends the request and moves the body into the sink.
   *
   * @throws Retry when another attempt may get past the failure
   * @throws GenVmException DOWNLOAD_FAILED when it may not ({@link RangeIgnored} when a range
   *     request for a part got the whole file), INTERRUPTED when interrupted
   */
  void run() throws Retry {
    try {
      if (!sink.resumable() && sink.size() > 0) {
        sink.restart(null);
      }
    } catch (IOException e) {
      throw local(e);
    }
    resume = new Resume(sink.firstByte() + sink.size(), sink.lastByte(), sink.knownTotal());
    if (resume.end() >= 0 && resume.offset() > resume.end()) {
      return; // the part is complete
    }
    if (Thread.currentThread().isInterrupted()) {
      throw HttpFailures.interrupted();
    }
    Map<String, String> request = new HashMap<>();
    request.put("Connection", "close");
    if (resume.ranged()) {
      resume.addHeaders(request, sink.ifRange(uri));
    }
    Duration stall = settings.stallTimeout();
    get = new HttpGet(request, settings.connectTimeout(), stall);
    lastActivity = System.nanoTime();
    headersAt = lastActivity;
    try {
      uri.toURL();
    } catch (java.net.MalformedURLException | IllegalArgumentException e) {
      throw new GenVmException(ExitCode.DOWNLOAD_FAILED, uri + ": " + e.getMessage(), e);
    }
    reader = DaemonThreads.start("http " + FetchRequest.fileNameOf(uri), this::exchange);
    Throwable failure;
    boolean ended = false;
    try {
      failure = pump();
      ended = true;
    } finally {
      if (!ended) {
        abort();
      }
    }
    if (failure != null) {
      abort(); // make sure the connection is closed
    } else {
      awaitReader();
    }
    try {
      sink.flush();
    } catch (IOException e) {
      throw local(e);
    }
    report(true);
    evaluate(failure);
  }

  /** The reader thread: the request, the response's headers, and the body into {@link #body}. */
  private void exchange() {
    try {
      HttpGet.Response response = get.open(uri);
      if (onHeaders(response.status(), response.headers())) {
        body.readAll(get.body(), get::aborted);
      } else {
        body.end(null);
      }
    } catch (IOException | RuntimeException e) {
      body.end(e);
    } finally {
      get.disconnect();
    }
  }

  /**
   * Gives the exchange up without waiting: the reader thread closes the connection when its read
   * returns (at once for a body that flows; after the stall timeout, its read timeout, for one that
   * does not).
   */
  private void abort() {
    get.abort();
    reader.interrupt(); // wakes it when it waits for a free array or queue room
  }

  private void awaitReader() {
    boolean interrupted = Thread.interrupted();
    try {
      reader.join(READER_JOIN_MILLIS);
    } catch (InterruptedException e) {
      interrupted = true;
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Moves the body from the reader into the sink until the exchange ends, watching for stalls and
   * interrupts; returns the exchange's failure, or null.
   */
  private Throwable pump() throws Retry {
    long stallNanos = settings.stallTimeout().toNanos();
    long pollMillis = Math.max(10, Math.min(100, settings.stallTimeout().toMillis() / 4));
    while (true) {
      BodyReader.Chunk chunk;
      try {
        chunk = body.poll(pollMillis);
      } catch (InterruptedException e) {
        abort();
        throw HttpFailures.interrupted();
      }
      if (chunk == BodyReader.END) {
        prepare();
        return body.error();
      }
      if (chunk != null) {
        prepare();
        try {
          sink.accept(ByteBuffer.wrap(chunk.bytes(), 0, chunk.length()));
          received += chunk.length();
        } catch (IOException e) {
          abort();
          throw local(e);
        } finally {
          body.recycle(chunk);
        }
        lastActivity = System.nanoTime();
        report(false);
        continue;
      }
      report(true);
      long newest = lastActivity;
      if (headersAt - newest > 0) {
        newest = headersAt;
      }
      long read = body.lastRead();
      if (read != 0 && read - newest > 0) {
        newest = read;
      }
      long idle = System.nanoTime() - newest;
      if (idle > stallNanos) {
        abort();
        throw new Retry(stalled(), null, false, null);
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
      if (resume.offset() > 0) {
        log.info("{}: the server sent the whole file; downloading from the start", uri);
      }
      try {
        sink.restart(startInfo);
      } catch (IOException e) {
        throw local(e);
      }
    }
  }

  private void evaluate(Throwable failure) throws Retry {
    if (failure instanceof SocketTimeoutException && !HttpFailures.connecting(failure)) {
      // the reader's own read timeout is the stall timeout: the watchdog's verdict, a little early
      throw new Retry(stalled(), null, false, null);
    }
    if (failure != null) {
      if (outcome == Outcome.BODY) {
        throw new Retry("connection lost after " + bytesSoFar(), null, false, failure);
      }
      throw HttpFailures.classify(uri, failure, settings.connectTimeout());
    }
    switch (outcome) {
      case BODY:
        if (expectedBody >= 0 && received < expectedBody) {
          // HttpURLConnection reads a body cut short as one that ended
          throw new Retry("connection lost after " + bytesSoFar(), null, false, null);
        }
        return;
      case COMPLETE:
        return;
      case RANGE_IGNORED:
        throw new RangeIgnored(uri, status);
      case RESTART:
        try {
          sink.restart(null);
        } catch (IOException e) {
          throw local(e);
        }
        throw new Retry(restartReason, null, true, null);
      case STATUS:
        String text = "HTTP " + status + HttpFailures.reasonPhrase(status);
        if (status == 408 || status == 429 || status >= 500) {
          throw new Retry(text, RetryPolicy.retryAfter(headers), false, null);
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

  private String stalled() {
    String timeout = HttpFailures.seconds(settings.stallTimeout());
    return outcome == Outcome.NONE
        ? "no response for " + timeout
        : "stalled: no data for " + timeout;
  }

  private String bytesSoFar() {
    long have = sink.size();
    return total >= 0 ? have + " of " + total + " bytes" : have + " bytes";
  }

  private GenVmException local(IOException e) {
    if (e instanceof ClosedByInterruptException) {
      return HttpFailures.interrupted();
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

  /**
   * Decides from the status line and headers what to do with the body (reader thread): true to read
   * it into the sink, false to close the connection instead.
   */
  private boolean onHeaders(int code, HttpHeaders received) {
    headersAt = System.nanoTime();
    status = code;
    headers = received;
    long contentLength = received.firstValueAsLong("Content-Length").orElse(-1);
    switch (code) {
      case 200:
        if (sink.firstByte() > 0 || sink.lastByte() >= 0) {
          outcome = Outcome.RANGE_IGNORED;
          return false;
        }
        startInfo =
            new PartInfo(
                uri,
                received.firstValue("ETag").orElse(null),
                received.firstValue("Last-Modified").orElse(null),
                contentLength);
        total = contentLength;
        alreadyHave = 0;
        expectedBody = contentLength;
        outcome = Outcome.BODY;
        return true;
      case 206:
        {
          ContentRange range = resume.continuation(received);
          if (range == null) {
            outcome = Outcome.RESTART;
            restartReason = resume.unexpected(received);
            return false;
          }
          total = range.total();
          alreadyHave = resume.offset() - sink.firstByte();
          expectedBody = range.end() - range.start() + 1;
          outcome = Outcome.BODY;
          return true;
        }
      case 416:
        if (resume.alreadyComplete(received)) {
          total = resume.offset();
          outcome = Outcome.COMPLETE;
        } else {
          outcome = Outcome.RESTART;
          restartReason = resume.refused();
        }
        return false;
      default:
        outcome = Outcome.STATUS;
        return false;
    }
  }
}
