package org.genvmimage.download;

import java.time.Duration;
import java.util.Objects;

/**
 * How hard a download tries.
 *
 * @param maxAttempts attempts in a row that may fail before the download gives up (an attempt that
 *     received data starts the count afresh)
 * @param initialBackoff the wait before the first retry; it doubles per failure
 * @param maxBackoff the longest wait between attempts (also caps a server's Retry-After)
 * @param connectTimeout how long to wait for a TCP/TLS connection
 * @param stallTimeout how long a response may send nothing (headers or body) before the attempt
 *     counts as stalled
 * @param bufferSize bytes collected before each write to disk
 */
public record DownloadSettings(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration connectTimeout,
    Duration stallTimeout,
    int bufferSize) {

  public DownloadSettings {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
    }
    requirePositive(initialBackoff, "initialBackoff", true);
    requirePositive(maxBackoff, "maxBackoff", true);
    requirePositive(connectTimeout, "connectTimeout", false);
    requirePositive(stallTimeout, "stallTimeout", false);
    if (bufferSize < 4096) {
      throw new IllegalArgumentException("bufferSize must be at least 4096: " + bufferSize);
    }
  }

  /** 5 attempts, backoff 1 s doubling to 30 s, connect 30 s, stall 60 s, 1 MiB buffer. */
  public static DownloadSettings defaults() {
    return new DownloadSettings(
        5,
        Duration.ofSeconds(1),
        Duration.ofSeconds(30),
        Duration.ofSeconds(30),
        Duration.ofSeconds(60),
        1 << 20);
  }

  private static void requirePositive(Duration d, String name, boolean zeroOk) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || (!zeroOk && d.isZero())) {
      throw new IllegalArgumentException(name + " must be positive: " + d);
    }
  }
}
