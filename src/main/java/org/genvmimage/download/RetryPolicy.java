package org.genvmimage.download;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/**
 * When a failed HTTP attempt is tried again, and after how long: exponential backoff capped by the
 * settings, a server's {@code Retry-After} honoured within that cap, and a budget of failures in a
 * row that only real progress renews.
 */
final class RetryPolicy {
  /** An attempt that received at least this much made progress (see {@link Attempts#next}). */
  static final long PROGRESS_BYTES = 1 << 20;

  /** However much progress is made, a fetch gives up after this many times --retries attempts. */
  static final int MAX_ATTEMPTS_FACTOR = 10;

  /** How often a fetch may start again from the first byte without counting it as a failure. */
  private static final int MAX_RESTARTS = 2;

  private final DownloadSettings settings;

  RetryPolicy(DownloadSettings settings) {
    this.settings = settings;
  }

  /** The count for one fetch of {@code uri}. */
  Attempts start(URI uri) {
    return new Attempts(uri, false);
  }

  /**
   * The count for one fetch of {@code uri} from a mirror that has others after it: a failure gives
   * up at once (the next mirror is the retry), only the free restarts from the first byte remain.
   */
  Attempts startOnce(URI uri) {
    return new Attempts(uri, true);
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

  /** A Retry-After header as a wait, or null when absent or not understood. */
  static Duration retryAfter(HttpHeaders headers) {
    if (headers == null) {
      return null;
    }
    return retryAfter(headers.firstValue("Retry-After").orElse(null));
  }

  /** A Retry-After value as a wait, or null when absent or not understood. */
  static Duration retryAfter(String value) {
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

  /** The attempts of one fetch so far. */
  final class Attempts {
    private final URI uri;
    private final boolean once;
    private int attempts;
    private int streak;
    private int restarts;

    private Attempts(URI uri, boolean once) {
      this.uri = uri;
      this.once = once;
    }

    /** Counts an attempt that is about to start. */
    void begin() {
      attempts++;
    }

    /**
     * After a failed attempt that received {@code received} bytes: the wait before the next.
     *
     * @throws GenVmException DOWNLOAD_FAILED when the fetch gives up
     */
    Duration next(Retry retry, long received) {
      if (retry.restart && restarts < MAX_RESTARTS) {
        restarts++;
        return Duration.ZERO;
      }
      // Only real progress starts the count again: a server that drips a few bytes per
      // connection must not keep a run going for ever.
      streak = received >= PROGRESS_BYTES ? 1 : streak + 1;
      if (once) {
        throw new GenVmException(ExitCode.DOWNLOAD_FAILED, uri + ": " + retry.reason, retry);
      }
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
      return backoff(streak, retry.retryAfter);
    }

    /** The number the next attempt has among those that may fail in a row. */
    int nextInStreak() {
      return streak + 1;
    }
  }
}
