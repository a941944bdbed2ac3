package org.genvmimage.download;

import java.time.Duration;

/** A failed HTTP attempt that another attempt may get past. */
final class Retry extends Exception {
  private static final long serialVersionUID = 1L;
  final String reason;
  final transient Duration retryAfter;

  /** Start again from the first byte at once, without counting as a failure (a few times). */
  final boolean restart;

  Retry(String reason, Duration retryAfter, boolean restart, Throwable cause) {
    super(reason, cause, false, false);
    this.reason = reason;
    this.retryAfter = retryAfter;
    this.restart = restart;
  }
}
