package org.genvmimage.download;

import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.genvmimage.core.GenVmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP(S) GET into a {@link Sink}, with retries, resume by range requests and a stall watchdog.
 *
 * <p>The HTTP client's threads only receive: a {@link BodyQueue} holds each list of buffers they
 * are handed (demand is the queue's free room, so the heap stays small). The calling thread takes
 * them off the queue and hashes and writes them, so receiving overlaps with hashing and writing.
 * Between buffers it reports progress, and it cancels the exchange when the response has sent
 * nothing for the stall timeout or when the thread is interrupted. Cancelling closes the
 * connection; only the calling thread ever touches the sink.
 *
 * <p>Each request is an {@link HttpAttempt}; {@link Resume} makes and checks its range request;
 * {@link RetryPolicy} decides whether and when a failed one is tried again; {@link HttpFailures}
 * says what went wrong.
 */
final class HttpTransfer {
  private static final Logger log = LoggerFactory.getLogger(HttpTransfer.class);

  private final LazyHttpClient client;
  private final DownloadSettings settings;
  private final RetryPolicy retries;

  /**
   * @param clients makes the HTTP client when the first request needs it (building one costs
   *     noticeable time, which a run served from the cache need not pay)
   */
  HttpTransfer(Supplier<HttpClient> clients, DownloadSettings settings) {
    this.client = new LazyHttpClient(clients);
    this.settings = settings;
    this.retries = new RetryPolicy(settings);
  }

  /** Stops the HTTP client, if one was made (see {@link LazyHttpClient#close}). */
  void close() {
    client.close();
  }

  /**
   * Fetches {@code uri} into {@code sink}, continuing after the bytes it already holds when the
   * server allows.
   *
   * @return the bytes received over the network
   * @throws GenVmException DOWNLOAD_FAILED when the server refuses or every attempt failed,
   *     INTERRUPTED when the thread was interrupted
   */
  long run(URI uri, Sink sink, DownloadListener listener) {
    return run(uri, sink, listener, true);
  }

  /**
   * Like {@link #run(URI, Sink, DownloadListener)}; without {@code retrying}, the first failure
   * ends the fetch (only a restart from the first byte is tried again), as for a mirror with others
   * after it.
   */
  long run(URI uri, Sink sink, DownloadListener listener, boolean retrying) {
    RetryPolicy.Attempts attempts = retrying ? retries.start(uri) : retries.startOnce(uri);
    long received = 0;
    while (true) {
      attempts.begin();
      HttpAttempt attempt = new HttpAttempt(client::get, settings, uri, sink, listener);
      try {
        attempt.run();
        return received + attempt.received();
      } catch (Retry retry) {
        received += attempt.received();
        Duration delay = attempts.next(retry, attempt.received());
        log.debug("{}: {}; retrying in {} ms", uri, retry.reason, delay.toMillis());
        listener.retrying(
            uri, attempts.nextInStreak(), settings.maxAttempts(), delay, retry.reason);
        try {
          TimeUnit.NANOSECONDS.sleep(delay.toNanos());
        } catch (InterruptedException e) {
          throw HttpFailures.interrupted();
        }
      }
    }
  }
}
