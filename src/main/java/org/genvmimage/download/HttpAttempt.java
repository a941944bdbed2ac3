package org.genvmimage.download;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodySubscriber;
import java.net.http.HttpResponse.ResponseInfo;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Supplier;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One request and its response, the body pumped into a {@link Sink} on the calling thread. The
 * client's threads only receive (into a {@link BodyQueue}); the calling thread hashes and writes,
 * reports progress between buffers, and cancels the exchange (closing the connection) when the
 * response has sent nothing for the stall timeout or when the thread is interrupted. Only the
 * calling thread ever touches the sink.
 */
final class HttpAttempt {
  private static final Logger log = LoggerFactory.getLogger(HttpAttempt.class);
  private static final String USER_AGENT = "gen-vm-image";
  private static final long REPORT_NANOS = 100_000_000L;

  private enum Outcome {
    NONE,
    BODY,
    COMPLETE,
    RESTART,
    STATUS
  }

  private final Supplier<HttpClient> client;
  private final DownloadSettings settings;
  private final URI uri;
  private final Sink sink;
  private final DownloadListener listener;
  private final BodyQueue body;

  // Written by HTTP client threads, read by the calling thread.
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

  HttpAttempt(
      Supplier<HttpClient> client,
      DownloadSettings settings,
      URI uri,
      Sink sink,
      DownloadListener listener) {
    this.client = client;
    this.settings = settings;
    this.uri = uri;
    this.sink = sink;
    this.listener = listener;
    this.body = new BodyQueue(settings.bufferSize());
  }

  /** The bytes received over the network so far. */
  long received() {
    return received;
  }

  /**
   * Sends the request and moves the body into the sink.
   *
   * @throws Retry when another attempt may get past the failure
   * @throws GenVmException DOWNLOAD_FAILED when it may not, INTERRUPTED when interrupted
   */
  void run() throws Retry {
    try {
      if (!sink.resumable() && sink.size() > 0) {
        sink.restart(null);
      }
    } catch (IOException e) {
      throw local(e);
    }
    resume = new Resume(sink.size(), sink.knownTotal());
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri)
            .GET()
            .header("User-Agent", USER_AGENT)
            .header("Accept-Encoding", "identity");
    if (resume.offset() > 0) {
      resume.addHeaders(request, sink.ifRange(uri));
    }
    lastActivity = System.nanoTime();
    headersAt = lastActivity;
    CompletableFuture<HttpResponse<Void>> response;
    try {
      response = client.get().sendAsync(request.build(), this::onHeaders);
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
        body.abort(response);
      }
    }
    if (failure != null) {
      body.abort(response); // make sure the connection is closed
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
        item = body.poll(pollMillis);
      } catch (InterruptedException e) {
        body.abort(response);
        throw HttpFailures.interrupted();
      }
      if (item == BodyQueue.END) {
        prepare();
        return body.error();
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
          body.abort(response);
          throw local(e);
        }
        body.taken();
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
        body.abort(response);
        String reason =
            outcome == Outcome.NONE
                ? "no response for " + HttpFailures.seconds(settings.stallTimeout())
                : "stalled: no data for " + HttpFailures.seconds(settings.stallTimeout());
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
    if (failure instanceof CompletionException && failure.getCause() != null) {
      failure = failure.getCause();
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

  /** Decides from the status line and headers what to do with the body (client thread). */
  private BodySubscriber<Void> onHeaders(ResponseInfo info) {
    if (body.aborted()) {
      return BodyQueue.refusing();
    }
    headersAt = System.nanoTime();
    status = info.statusCode();
    headers = info.headers();
    long contentLength = headers.firstValueAsLong("Content-Length").orElse(-1);
    switch (status) {
      case 200:
        startInfo =
            new PartInfo(
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
          ContentRange range = resume.continuation(headers);
          if (range == null) {
            outcome = Outcome.RESTART;
            restartReason = resume.unexpected(headers);
            return BodyQueue.refusing();
          }
          total = range.total();
          alreadyHave = resume.offset();
          expectedBody = range.end() - range.start() + 1;
          return streaming();
        }
      case 416:
        if (resume.alreadyComplete(headers)) {
          total = resume.offset();
          outcome = Outcome.COMPLETE;
        } else {
          outcome = Outcome.RESTART;
          restartReason = resume.refused();
        }
        return BodyQueue.refusing();
      default:
        outcome = Outcome.STATUS;
        return BodyQueue.refusing();
    }
  }

  private BodySubscriber<Void> streaming() {
    outcome = Outcome.BODY;
    return body.subscriber();
  }
}
