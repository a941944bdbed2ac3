package org.genvmimage.download;

import java.net.URI;
import java.time.Duration;

/**
 * Hears how a fetch goes, for progress display. Every method is called on the thread that called
 * {@link Downloader#fetch}, never concurrently; progress comes a few times a second, not per
 * network packet. A cache hit calls nothing.
 */
public interface DownloadListener {
  /** A listener that ignores everything. */
  DownloadListener NONE = new DownloadListener() {};

  /**
   * A response started to arrive (once per attempt that gets a body).
   *
   * @param totalBytes the full size of the file, or -1 when the server does not say
   * @param alreadyHave bytes kept from an earlier attempt or run (resumed, not downloaded again)
   */
  default void started(URI source, long totalBytes, long alreadyHave) {}

  /** Bytes held so far (including resumed ones) out of {@code totalBytes} (-1 when unknown). */
  default void progress(long bytesSoFar, long totalBytes) {}

  /**
   * An attempt failed and another starts after {@code delay}.
   *
   * @param attempt the number of the attempt about to start (2 for the first retry)
   */
  default void retrying(URI source, int attempt, int maxAttempts, Duration delay, String reason) {}

  /**
   * A mirror failed (after its own attempts) and the next one is tried, resuming the bytes held.
   *
   * @param reason what the failed mirror did, starting with its URL
   */
  default void mirrorFailed(URI source, String reason, URI next) {}

  /** The file arrived and verified; {@code bytes} is its size. */
  default void finished(URI source, long bytes) {}
}
