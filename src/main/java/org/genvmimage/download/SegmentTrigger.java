package org.genvmimage.download;

import java.net.URI;
import java.time.Duration;

/**
 * Watches the first response of a download over one connection and stops it, by throwing {@link
 * Fired} out of the transfer (from {@link #started} or the first {@link #progress} after it), when
 * the rest of the file is large enough to be fetched in parts ({@link
 * DownloadSettings#segmentThreshold()}) and the response came with a validator (a strong ETag or a
 * Last-Modified) that range requests for the parts can be checked against. The response headers are
 * then recorded in {@code <hex>.part.json} and its first bytes in {@code <hex>.part}: the download
 * in parts continues after them. So a small file, or a server that sends no size or validator,
 * costs no request more than before. The start of a large response is held back until its first
 * bytes arrive (its record is written with them); everything else passes on to the listener it
 * wraps.
 */
final class SegmentTrigger implements DownloadListener {
  private final DownloadListener listener;
  private final DownloadCache cache;
  private final Digest digest;
  private final long threshold;
  private boolean fired;
  private long alreadyHave;
  private Started held;

  private record Started(URI source, long totalBytes, long have) {}

  /** Thrown out of the transfer to stop it in favour of a download in parts. */
  static final class Fired extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Fired() {
      super("download in parts", null, false, false);
    }
  }

  SegmentTrigger(
      DownloadListener listener, DownloadCache cache, Digest digest, DownloadSettings settings) {
    this.listener = listener;
    this.cache = cache;
    this.digest = digest;
    this.threshold = settings.segmentThreshold();
  }

  /** Whether it stopped the transfer. */
  boolean fired() {
    return fired;
  }

  /** The bytes the stopped transfer had from an earlier run or mirror when it started. */
  long alreadyHave() {
    return alreadyHave;
  }

  @Override
  public void started(URI source, long totalBytes, long have) {
    held = null;
    if (!fired && totalBytes >= 0 && totalBytes - have >= threshold) {
      if (validated(source, totalBytes)) {
        fire(have);
      }
      // a first response's record is written with its first bytes: wait for them
      held = new Started(source, totalBytes, have);
      return;
    }
    listener.started(source, totalBytes, have);
  }

  @Override
  public void progress(long bytesSoFar, long totalBytes) {
    if (held != null) {
      if (bytesSoFar <= held.have) {
        return;
      }
      if (validated(held.source, held.totalBytes)) {
        fire(held.have);
      }
      release();
    }
    listener.progress(bytesSoFar, totalBytes);
  }

  @Override
  public void retrying(URI source, int attempt, int maxAttempts, Duration delay, String reason) {
    release();
    listener.retrying(source, attempt, maxAttempts, delay, reason);
  }

  private void fire(long have) {
    held = null;
    fired = true;
    alreadyHave = have;
    throw new Fired();
  }

  /** Passes on a start held back while waiting for the first bytes. */
  private void release() {
    Started s = held;
    held = null;
    if (s != null) {
      listener.started(s.source, s.totalBytes, s.have);
    }
  }

  private boolean validated(URI source, long totalBytes) {
    return cache
        .readPartInfo(digest)
        .filter(i -> i.totalBytes() == totalBytes && i.ifRange(source) != null)
        .isPresent();
  }

  @Override
  public void mirrorFailed(URI source, String reason, URI next) {
    release();
    listener.mirrorFailed(source, reason, next);
  }

  @Override
  public void finished(URI source, long bytes) {
    release();
    listener.finished(source, bytes);
  }
}
