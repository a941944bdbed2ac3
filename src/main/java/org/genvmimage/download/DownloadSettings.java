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
 * @param connections how many connections a large download may use at once (1: one connection)
 * @param segmentThreshold the size from which a download whose server honours range requests is
 *     fetched in parts over {@code connections} connections ({@link #SEGMENT_THRESHOLD} by default)
 */
public record DownloadSettings(
    int maxAttempts,
    Duration initialBackoff,
    Duration maxBackoff,
    Duration connectTimeout,
    Duration stallTimeout,
    int bufferSize,
    int connections,
    long segmentThreshold) {

  /** The connections a large download uses by default. */
  public static final int CONNECTIONS = 4;

  /** The most connections one download may use: more would only burden the server. */
  public static final int MAX_CONNECTIONS = 16;

  /** The smallest download (64 MiB) fetched over several connections by default. */
  public static final long SEGMENT_THRESHOLD = 64L << 20;

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
    if (connections < 1 || connections > MAX_CONNECTIONS) {
      throw new IllegalArgumentException(
          "connections must be from 1 to " + MAX_CONNECTIONS + ": " + connections);
    }
    if (segmentThreshold < 1) {
      throw new IllegalArgumentException("segmentThreshold must be positive: " + segmentThreshold);
    }
  }

  /** Settings with the default {@link #CONNECTIONS} and {@link #SEGMENT_THRESHOLD}. */
  public DownloadSettings(
      int maxAttempts,
      Duration initialBackoff,
      Duration maxBackoff,
      Duration connectTimeout,
      Duration stallTimeout,
      int bufferSize) {
    this(
        maxAttempts,
        initialBackoff,
        maxBackoff,
        connectTimeout,
        stallTimeout,
        bufferSize,
        CONNECTIONS,
        SEGMENT_THRESHOLD);
  }

  /** These settings with {@code n} connections for a large download. */
  public DownloadSettings withConnections(int n) {
    return new DownloadSettings(
        maxAttempts,
        initialBackoff,
        maxBackoff,
        connectTimeout,
        stallTimeout,
        bufferSize,
        n,
        segmentThreshold);
  }

  /** These settings with downloads from {@code bytes} on fetched in parts. */
  public DownloadSettings withSegmentThreshold(long bytes) {
    return new DownloadSettings(
        maxAttempts,
        initialBackoff,
        maxBackoff,
        connectTimeout,
        stallTimeout,
        bufferSize,
        connections,
        bytes);
  }

  /**
   * 5 attempts, backoff 1 s doubling to 30 s, connect 30 s, stall 60 s, 1 MiB buffer, 4 connections
   * for downloads of 64 MiB and more.
   */
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
