package org.genvmimage.download;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.genvmimage.core.DaemonThreads;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.core.IoErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A large download fetched in parts over several connections at once, into the one partial file of
 * its cache entry ({@code <hex>.part}).
 *
 * <ul>
 *   <li><b>Parts.</b> The bytes after those the partial file holds are split into up to {@link
 *       DownloadSettings#connections()} {@link Segment}s; a {@link RangeWorker} per part fetches it
 *       with range requests and writes it at its offset. The first part's first answer comes before
 *       the others are asked: it shows that the server honours ranges, and the address it came from
 *       (after redirects) is where the other parts are fetched, so that all come from one server.
 *   <li><b>One pass of hashing, in order.</b> The calling thread hashes the file's bytes in order
 *       as they reach it: the first part as it arrives, each later part once those before it are
 *       hashed, reading them back from the page cache where the writes left them. Memory stays at
 *       one buffer per connection and one for hashing.
 *   <li><b>A cut part</b> is asked for again from where it stopped (with the usual retries), the
 *       other parts going on meanwhile.
 *   <li><b>A changed file or a server that ignores ranges</b> (a 200 to a range request, another
 *       size, ETag or Last-Modified) ends the download in parts: the partial file is dropped and
 *       {@link #run} returns null, for the caller to download the file over one connection from the
 *       first byte.
 *   <li><b>Failure or interrupt.</b> Every connection is closed and the partial file cut to the
 *       bytes it holds without a gap, which a later fetch resumes (in parts again when the rest is
 *       large). While parts run, {@code <hex>.part.json} records the bytes hashed so far ({@code
 *       validBytes}), so that a run killed without clean-up leaves a prefix that {@link
 *       PartPrefix#cutToValidPrefix} restores.
 * </ul>
 */
final class SegmentedDownload {
  private static final Logger log = LoggerFactory.getLogger(SegmentedDownload.class);
  private static final int HASH_BUFFER = 1 << 20;
  private static final long REPORT_NANOS = 100_000_000L;
  private static final long RECORD_NANOS = 1_000_000_000L;
  private static final long PARK_NANOS = 50_000_000L;
  private static final long JOIN_MILLIS = 5_000;

  /** How a download in parts ended: the digest of the whole file and the bytes received. */
  record Result(String hex, long network, int connections, boolean copyComplete) {}

  private final DownloadCache cache;
  private final DownloadSettings settings;
  private final Digest digest;
  private final URI source;
  private final Path part;
  private final CountDownLatch stop = new CountDownLatch(1);
  private final AtomicLong received = new AtomicLong();
  private final ConcurrentLinkedQueue<Runnable> events = new ConcurrentLinkedQueue<>();
  private final List<RangeWorker> workers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();

  private volatile URI uri;
  private volatile boolean pinned;
  private volatile boolean firstAnswered;
  private volatile boolean stopped;
  private volatile GenVmException failure;
  private volatile String fallBack;

  private PartInfo info;
  private String ifRange;
  private FileChannel channel;
  private Thread caller;
  private DownloadListener listener;
  private OrderedCopy copy;

  SegmentedDownload(DownloadCache cache, DownloadSettings settings, Digest digest, URI source) {
    this.cache = cache;
    this.settings = settings;
    this.digest = digest;
    this.source = source;
    this.uri = source;
    this.part = cache.partPath(digest);
  }

  /**
   * Downloads the rest of the file in parts, continuing after the bytes the partial file holds
   * (whose record, {@code <hex>.part.json}, gives the file's size and validator).
   *
   * @param alreadyHave the bytes an earlier run or mirror left, for the listener
   * @param copy when not null, gets every byte as it is hashed, in order, when the file starts like
   *     a qcow2 v3 image (see {@link DownloadCopy}); complete when the whole file went there
   * @param retrying whether a failed part is tried again (else the first failure ends the fetch)
   * @return the digest of the whole file, or null when the file is to be fetched over one
   *     connection instead (the partial file and its record are then gone)
   * @throws GenVmException DOWNLOAD_FAILED when a part failed for good, TOOL_FAILED when the cache
   *     cannot be written, INTERRUPTED
   */
  Result run(DownloadListener listener, boolean retrying, long alreadyHave, DownloadCopy copy)
      throws IOException {
    PartInfo recorded = cache.readPartInfo(digest).orElse(null);
    if (recorded == null || recorded.totalBytes() <= 0 || recorded.ifRange(source) == null) {
      return null;
    }
    this.info = recorded;
    this.ifRange = recorded.ifRange(source);
    this.listener = listener;
    this.copy = copy == null ? null : new OrderedCopy(copy);
    this.caller = Thread.currentThread();
    long total = recorded.totalBytes();
    channel =
        FileChannel.open(
            part, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    List<Segment> segments = List.of();
    boolean ended = false;
    try {
      long from = channel.size();
      if (from >= total) {
        channel.close();
        return null; // nothing to fetch in parts: one connection sorts it out
      }
      Hasher hasher = Checksums.newHasher(digest.type());
      ByteBuffer buffer = ByteBuffer.allocateDirect(HASH_BUFFER);
      hash(hasher, buffer, 0, from);
      cache.writePartInfo(digest, info.withValidBytes(from));
      segments = Segment.plan(from, total, settings.connections());
      RetryPolicy policy = new RetryPolicy(settings);
      for (Segment s : segments) {
        workers.add(new RangeWorker(this, s, retrying ? policy.start(uri) : policy.startOnce(uri)));
      }
      log.debug("{}: {} bytes in {} parts", source, total - from, segments.size());
      start(0);
      listener.started(source, total, alreadyHave);
      long hashed = from;
      int head = 0;
      long reportedAt = System.nanoTime();
      long recordedAt = reportedAt;
      while (hashed < total) {
        if (fallBack != null) {
          return fallBack(segments);
        }
        if (failure != null) {
          throw failure;
        }
        if (Thread.interrupted()) {
          throw HttpFailures.interrupted();
        }
        // firstAnswered is written after a fall-back or failure of the first part: read it first
        if (threads.size() == 1 && firstAnswered && fallBack == null && failure == null) {
          for (int i = 1; i < segments.size(); i++) {
            start(i);
          }
        }
        Segment s = segments.get(head);
        long ready = Math.min(s.position() - hashed, HASH_BUFFER);
        if (ready > 0) {
          hash(hasher, buffer, hashed, hashed + ready);
          hashed += ready;
          if (hashed == s.end) {
            head++;
          }
        } else {
          LockSupport.parkNanos(this, PARK_NANOS);
        }
        for (Runnable event = events.poll(); event != null; event = events.poll()) {
          event.run();
        }
        long now = System.nanoTime();
        if (now - reportedAt >= REPORT_NANOS) {
          reportedAt = now;
          listener.progress(held(from, segments), total);
        }
        if (now - recordedAt >= RECORD_NANOS) {
          recordedAt = now;
          cache.writePartInfo(digest, info.withValidBytes(hashed));
        }
      }
      stopped = true;
      join();
      channel.force(false);
      channel.close();
      boolean copied = this.copy != null && this.copy.finish(total);
      ended = true;
      listener.progress(total, total);
      return new Result(hasher.hexDigest(), received.get(), segments.size(), copied);
    } finally {
      if (this.copy != null) {
        this.copy.drop();
      }
      if (!ended) {
        stopAll();
        if (fallBack == null) {
          keepPrefix(segments);
        }
      }
    }
  }

  // ---- for the workers

  URI uri() {
    return uri;
  }

  DownloadSettings settings() {
    return settings;
  }

  String ifRange() {
    return ifRange;
  }

  long total() {
    return info.totalBytes();
  }

  boolean stopped() {
    return stopped;
  }

  /** The first part's answer came from {@code where}: the other parts are asked there too. */
  void pin(URI where) {
    if (!pinned) {
      pinned = true;
      if (!where.equals(uri)) {
        log.debug("{}: fetching the parts from {}", source, where);
        uri = where;
      }
    }
  }

  /** A part's first answer came (or its worker ended). */
  void answered(Segment segment) {
    if (segment.index == 0 && !firstAnswered) {
      firstAnswered = true;
      LockSupport.unpark(caller);
    }
  }

  /** Why an answer's ETag or Last-Modified says that the file changed, or null when it did not. */
  String changedValidator(String etag, String lastModified) {
    if (info.etag() != null && etag != null) {
      return info.etag().equals(etag) ? null : "ETag " + etag + ", was " + info.etag();
    }
    if (info.lastModified() != null && lastModified != null) {
      return info.lastModified().equals(lastModified)
          ? null
          : "Last-Modified " + lastModified + ", was " + info.lastModified();
    }
    return null;
  }

  /**
   * Writes {@code n} bytes of a part at {@code position}.
   *
   * @return false when the download stopped (the bytes are not counted)
   */
  boolean write(Segment segment, byte[] bytes, int n, long position) {
    if (stopped) {
      return false;
    }
    try {
      ByteBuffer buffer = ByteBuffer.wrap(bytes, 0, n);
      long at = position;
      while (buffer.hasRemaining()) {
        at += channel.write(buffer, at);
      }
    } catch (IOException e) {
      if (!stopped) {
        fail(new GenVmException(ExitCode.TOOL_FAILED, IoErrors.withFile(part, e), e));
      }
      return false;
    }
    segment.advance(n);
    received.addAndGet(n);
    LockSupport.unpark(caller);
    return true;
  }

  /** A part gets another attempt after {@code delay}; the listener hears it on its own thread. */
  void retrying(Segment segment, int attempt, String reason, Duration delay) {
    log.debug("{}: {}; retrying in {} ms", uri, reason, delay.toMillis());
    events.add(() -> listener.retrying(source, attempt, settings.maxAttempts(), delay, reason));
  }

  /** Waits {@code delay}; true when the download stopped meanwhile. */
  boolean awaitStop(Duration delay) {
    try {
      return stop.await(delay.toNanos(), TimeUnit.NANOSECONDS) || stopped;
    } catch (InterruptedException e) {
      return true;
    }
  }

  /** A part failed for good: the download stops with {@code e}. */
  void fail(GenVmException e) {
    if (failure == null && fallBack == null) {
      failure = e;
    }
    halt();
  }

  /** A part's answer was no range of the same file: the download goes on over one connection. */
  void fallBack(String reason) {
    if (failure == null && fallBack == null) {
      fallBack = reason;
    }
    halt();
  }

  // ---- the calling thread's own

  private void halt() {
    stopped = true;
    stop.countDown();
    LockSupport.unpark(caller);
  }

  private void start(int index) {
    Thread t =
        DaemonThreads.start(
            "download part " + (index + 1) + " " + part.getFileName(), workers.get(index));
    threads.add(t);
  }

  private long held(long from, List<Segment> segments) {
    long held = from;
    for (Segment s : segments) {
      held += s.written();
    }
    return held;
  }

  private void hash(Hasher hasher, ByteBuffer buffer, long from, long to) throws IOException {
    long at = from;
    while (at < to) {
      buffer.clear();
      buffer.limit((int) Math.min(buffer.capacity(), to - at));
      int n = channel.read(buffer, at);
      if (n < 0) {
        throw new IOException(part + ": shorter than " + to + " bytes while hashing it");
      }
      buffer.flip();
      if (copy != null && !copy.write(buffer, at)) {
        copy = null;
      }
      hasher.update(buffer);
      at += n;
    }
  }

  private Result fallBack(List<Segment> segments) throws IOException {
    stopAll();
    log.info("{}: {}; downloading it over one connection from the start", source, fallBack);
    Files.deleteIfExists(part);
    Files.deleteIfExists(cache.partInfoPath(digest));
    return null;
  }

  /** Stops every worker: no write reaches the file after this returns. */
  private void stopAll() {
    halt();
    workers.forEach(RangeWorker::abort);
    try {
      channel.close(); // a write still under way fails, and none can start
    } catch (IOException e) {
      log.debug("closing {}: {}", part, e.toString());
    }
    join();
  }

  private void join() {
    long deadline = System.currentTimeMillis() + JOIN_MILLIS;
    boolean interrupted = false;
    for (Thread t : threads) {
      long left = deadline - System.currentTimeMillis();
      while (t.isAlive() && left > 0) {
        try {
          t.join(left);
        } catch (InterruptedException e) {
          interrupted = true;
        }
        left = deadline - System.currentTimeMillis();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * After a failure or an interrupt: cuts the partial file to the bytes it holds without a gap, for
   * a later resume. Clears the thread's interrupt flag meanwhile (file operations would refuse to
   * run) and sets it again after.
   */
  private void keepPrefix(List<Segment> segments) {
    boolean interrupted = Thread.interrupted();
    try {
      long prefix = -1;
      for (Segment s : segments) {
        if (prefix >= 0 && s.start != prefix) {
          break;
        }
        prefix = s.position();
        if (!s.done()) {
          break;
        }
      }
      if (prefix >= 0) {
        PartPrefix.setLength(part, prefix);
        cache.writePartInfo(digest, info.withValidBytes(-1));
      }
    } catch (IOException e) {
      log.debug("{}: cannot cut to the bytes held: {}", part, e.toString());
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
