package org.genvmimage.download;

import java.net.URI;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.genvmimage.core.GenVmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One HTTP(S) GET into a {@link Sink}, with retries, resume by range requests and a stall watchdog.
 *
 * <p>Each attempt's reader thread only receives, into a few large reused arrays ({@link
 * BodyReader}); the calling thread hashes and writes them, so receiving overlaps with hashing and
 * writing. Between arrays it reports progress, and it closes the connection when the response has
 * sent nothing for the stall timeout or when the thread is interrupted; only the calling thread
 * ever touches the sink. The sink may hold one range of the file ({@link Sink#firstByte()}): this
 * is the single-connection primitive that a fetch over several connections runs per part.
 *
 * <p>Each request is an {@link HttpAttempt}; {@link Resume} makes and checks its range request;
 * {@link RetryPolicy} decides whether and when a failed one is tried again; {@link HttpFailures}
 * says what went wrong.
 */
final class HttpTransfer {
  private static final Logger log = LoggerFactory.getLogger(HttpTransfer.class);

  private final DownloadSettings settings;
  private final RetryPolicy retries;

  HttpTransfer(DownloadSettings settings) {
    this.settings = settings;
    this.retries = new RetryPolicy(settings);
  }

  /** Nothing to stop: each attempt's connection and thread end with the attempt. */
  void close() {}

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
      HttpAttempt attempt = new HttpAttempt(settings, uri, sink, listener);
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
