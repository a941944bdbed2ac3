package org.genvmimage.download;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.time.Duration;
import java.util.Objects;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/**
 * Fetches one {@link Segment} of a download in parts on a thread of its own: range requests ({@code
 * Range: bytes=a-b} with {@code If-Range}) that continue where the part's bytes stopped, each
 * answer checked to be that range of the same file (status 206, {@code Content-Range}, total size,
 * ETag or Last-Modified), the body written at its offset. A cut or a stall is retried from where
 * the part stopped, under the same {@link RetryPolicy} as one connection; an answer that is no such
 * range (the server ignored the range, or the file changed) ends the download in parts for a
 * download over one connection ({@link SegmentedDownload#fallBack}).
 *
 * <p>Blocking {@link HttpURLConnection}s, one per request: each reads straight into this worker's
 * own buffer, so memory stays at one buffer per connection. {@link #abort()} closes the connection
 * from another thread, which ends a blocked read.
 */
final class RangeWorker implements Runnable {
  private static final String USER_AGENT = "gen-vm-image";
  private static final int BUFFER = 256 * 1024;

  private final SegmentedDownload job;
  private final Segment segment;
  private final RetryPolicy.Attempts attempts;
  private volatile HttpURLConnection connection;

  RangeWorker(SegmentedDownload job, Segment segment, RetryPolicy.Attempts attempts) {
    this.job = job;
    this.segment = segment;
    this.attempts = attempts;
  }

  /** An answer that is not the requested range of the same file. */
  static final class FallBack extends Exception {
    private static final long serialVersionUID = 1L;

    FallBack(String reason) {
      super(reason, null, false, false);
    }
  }

  @Override
  public void run() {
    byte[] buffer = new byte[BUFFER];
    try {
      while (!segment.done() && !job.stopped()) {
        attempts.begin();
        long before = segment.written();
        try {
          fetch(buffer);
        } catch (Retry cause) {
          if (job.stopped()) {
            return;
          }
          Retry retry =
              new Retry(segment + ": " + cause.reason, cause.retryAfter, false, cause.getCause());
          Duration delay = attempts.next(retry, segment.written() - before);
          job.retrying(segment, attempts.nextInStreak(), retry.reason, delay);
          if (job.awaitStop(delay)) {
            return;
          }
        }
      }
    } catch (FallBack e) {
      job.fallBack(segment + ": " + e.getMessage());
    } catch (GenVmException e) {
      job.fail(e);
    } catch (RuntimeException | Error e) {
      job.fail(new GenVmException(ExitCode.INTERNAL, segment + ": " + e, e));
    } finally {
      job.answered(segment);
    }
  }

  /** Closes the connection in use, if any; a read blocked on it ends at once. */
  void abort() {
    HttpURLConnection c = connection;
    if (c != null) {
      c.disconnect();
    }
  }

  /** One request for the rest of the part, its body written to the file. */
  private void fetch(byte[] buffer) throws Retry, FallBack {
    long position = segment.position();
    long last = segment.end - 1;
    URI uri = job.uri();
    HttpURLConnection c;
    int status;
    try {
      c = (HttpURLConnection) new URL(uri.toString()).openConnection();
      c.setInstanceFollowRedirects(true);
      c.setConnectTimeout(millis(job.settings().connectTimeout()));
      c.setReadTimeout(millis(job.settings().stallTimeout()));
      c.setUseCaches(false);
      c.setRequestProperty("User-Agent", USER_AGENT);
      c.setRequestProperty("Accept-Encoding", "identity");
      c.setRequestProperty("Range", "bytes=" + position + "-" + last);
      if (job.ifRange() != null) {
        c.setRequestProperty("If-Range", job.ifRange());
      }
      connection = c;
      if (job.stopped()) {
        c.disconnect();
        return;
      }
      status = c.getResponseCode();
    } catch (SocketTimeoutException e) {
      throw new Retry("no response for " + HttpFailures.seconds(stall()), null, false, e);
    } catch (IOException e) {
      throw HttpFailures.classify(uri, e, job.settings().connectTimeout());
    }
    try {
      if (segment.index == 0) {
        job.pin(finalUri(c, uri));
      }
      // checked first: a part that falls back says so before it counts as answered, so that no
      // other part starts on a server that ignores ranges
      check(c, status, position, last);
      job.answered(segment);
      receive(c, buffer, position, last);
    } finally {
      connection = null;
    }
  }

  private void check(HttpURLConnection c, int status, long position, long last)
      throws Retry, FallBack {
    if (status == 200) {
      c.disconnect();
      throw new FallBack("the server ignored a range request (HTTP 200)");
    }
    if (status == 408 || status == 429 || status >= 500) {
      String retryAfter = c.getHeaderField("Retry-After");
      c.disconnect();
      throw new Retry(
          "HTTP " + status + HttpFailures.reasonPhrase(status),
          RetryPolicy.retryAfter(retryAfter),
          false,
          null);
    }
    if (status != 206) {
      c.disconnect();
      throw new FallBack(
          "HTTP " + status + HttpFailures.reasonPhrase(status) + " to a range request");
    }
    ContentRange range = ContentRange.parse(c.getHeaderField("Content-Range"));
    if (range == null || range.start() != position || range.end() > last) {
      c.disconnect();
      throw new FallBack(
          "unexpected partial response ("
              + Objects.requireNonNullElse(c.getHeaderField("Content-Range"), "no Content-Range")
              + " for bytes "
              + position
              + "-"
              + last
              + ")");
    }
    if (range.total() != job.total()) {
      c.disconnect();
      throw new FallBack(
          "the file changed on the server (its size is now "
              + range.total()
              + " bytes, was "
              + job.total()
              + ")");
    }
    String changed =
        job.changedValidator(c.getHeaderField("ETag"), c.getHeaderField("Last-Modified"));
    if (changed != null) {
      c.disconnect();
      throw new FallBack("the file changed on the server (" + changed + ")");
    }
  }

  private void receive(HttpURLConnection c, byte[] buffer, long position, long last) throws Retry {
    long remaining = last - position + 1;
    long received = 0;
    InputStream in;
    try {
      in = c.getInputStream();
    } catch (IOException e) {
      c.disconnect();
      throw new Retry("connection lost before the body: " + e.getMessage(), null, false, e);
    }
    long rangeEnd = position + remaining;
    try {
      while (position < rangeEnd && !job.stopped()) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, rangeEnd - position));
        if (n < 0) {
          c.disconnect();
          throw new Retry("connection closed after " + received + " bytes", null, false, null);
        }
        if (!job.write(segment, buffer, n, position)) {
          c.disconnect();
          return;
        }
        position += n;
        received += n;
      }
      if (job.stopped()) {
        c.disconnect();
        return;
      }
      in.close(); // the whole range arrived: the connection may serve the next request
    } catch (SocketTimeoutException e) {
      c.disconnect();
      throw new Retry("stalled: no data for " + HttpFailures.seconds(stall()), null, false, e);
    } catch (IOException e) {
      c.disconnect();
      throw new Retry("connection lost after " + received + " bytes", null, false, e);
    }
  }

  private Duration stall() {
    return job.settings().stallTimeout();
  }

  private static URI finalUri(HttpURLConnection c, URI asked) {
    try {
      return c.getURL().toURI();
    } catch (URISyntaxException e) {
      return asked;
    }
  }

  private static int millis(Duration d) {
    return (int) Math.min(Integer.MAX_VALUE, Math.max(1, d.toMillis()));
  }
}
