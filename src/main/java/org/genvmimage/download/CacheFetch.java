package org.genvmimage.download;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.FileSync;
import org.genvmimage.core.Folders;
import org.genvmimage.core.GenVmException;
import org.genvmimage.core.IoErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gets a digest's file into the {@link DownloadCache}: a hit under the entry's lock held shared, or
 * else a download under its write lock too, hashed on the way into {@code <hex>.part} and renamed
 * to {@code <hex>} only when the digest matched (see {@link Downloader} for the rules).
 */
final class CacheFetch {
  private static final Logger log = LoggerFactory.getLogger(CacheFetch.class);

  private static final String MISMATCH = "checksum mismatch";

  private final DownloadCache cache;
  private final DownloadSettings settings;
  private final HttpTransfer transfer;

  CacheFetch(DownloadCache cache, DownloadSettings settings, HttpTransfer transfer) {
    this.cache = cache;
    this.settings = settings;
    this.transfer = transfer;
  }

  /** The verified file, its entry locked shared until the lease is closed. */
  FetchLease fetch(URI source, Digest digest, DownloadListener listener, DownloadCopy copy) {
    return fetch(List.of(source), digest, listener, copy);
  }

  /**
   * The verified file, downloaded (when it is not in the cache) from the first of {@code sources}
   * that serves it; its entry locked shared until the lease is closed.
   */
  @SuppressWarnings("try") // the lock is held for the body
  FetchLease fetch(List<URI> sources, Digest digest, DownloadListener listener, DownloadCopy copy) {
    URI source = sources.get(0);
    Path lockPath = cache.lockPath(digest);
    try {
      EntryLock reading = lockForReading(source, digest);
      if (reading == null) {
        Optional<FetchResult> unlocked = CacheHit.find(cache, source, digest, false);
        if (unlocked.isPresent()) {
          return new FetchLease(unlocked.get(), null);
        }
        throw new GenVmException(
            ExitCode.DOWNLOAD_FAILED,
            lockPath + ": cannot be written; make the cache folder writable or pass --cache-dir");
      }
      boolean keep = false;
      try {
        Optional<FetchResult> hit = CacheHit.find(cache, source, digest, false);
        FetchResult fetched;
        if (hit.isPresent()) {
          fetched = hit.get();
        } else {
          try (EntryLock writing =
              cache.lockWriting(
                  reading,
                  otherProcess -> {
                    if (otherProcess) {
                      log.info("waiting for another process that is downloading {}", source);
                    }
                  })) {
            hit = CacheHit.find(cache, source, digest, true);
            fetched = hit.isPresent() ? hit.get() : download(sources, digest, listener, copy);
          }
        }
        keep = true;
        return new FetchLease(fetched, reading);
      } finally {
        if (!keep) {
          reading.close();
          cache.removeUnusedLock(digest);
        }
      }
    } catch (ClosedByInterruptException | FileLockInterruptionException e) {
      throw HttpFailures.interrupted();
    } catch (InterruptedException e) {
      throw HttpFailures.interrupted();
    } catch (IOException e) {
      // the cache's file system failed: name the file it failed on (the lock, an entry's record)
      Path file =
          e instanceof FileSystemException f && f.getFile() != null
              ? Path.of(f.getFile())
              : lockPath;
      throw cacheFailure(cache, e, file);
    }
  }

  /** TOOL_FAILED for a failure of the cache's file system, naming the file it failed on. */
  static GenVmException cacheFailure(DownloadCache cache, IOException e, Path file) {
    String message =
        e.getMessage() != null && e.getMessage().startsWith(cache.dir() + "/")
            ? e.getMessage()
            : IoErrors.withFile(file, e);
    return new GenVmException(ExitCode.TOOL_FAILED, message, e);
  }

  /**
   * The entry's lock held shared; {@code null} when the lock file cannot be written (a read-only
   * cache) but the entry is there, which is then used without a lock, as nothing can remove it.
   */
  private EntryLock lockForReading(URI source, Digest digest)
      throws IOException, InterruptedException {
    try {
      return lockEntry(source, digest);
    } catch (FileSystemException e) {
      if (Files.isRegularFile(cache.entryPath(digest))) {
        log.debug(
            "{}: cannot lock {} ({}); reading it unlocked", source, digest.hex(), e.toString());
        return null;
      }
      throw e;
    }
  }

  /** The entry's lock held shared, waiting for a removal (or an older version's download). */
  private EntryLock lockEntry(URI source, Digest digest) throws IOException, InterruptedException {
    return cache.lock(
        digest,
        true,
        otherProcess -> {
          if (otherProcess) {
            log.info("waiting for another process that has locked the cache entry of {}", source);
          }
        });
  }

  /**
   * Downloads from the sources in order. A mirror with others after it gets one attempt (a free
   * restart from the first byte aside): a refusal, an error status, a stall or a cut moves on to
   * the next at once, which resumes the bytes already held (the whole file is verified at the end);
   * a checksum mismatch discards them. The last source gets the usual retries. When the bytes held
   * came from elsewhere (an earlier run or mirror) and the file does not verify, the source is
   * tried once more from the first byte, in case it serves another file than the one resumed.
   */
  private FetchResult download(
      List<URI> sources, Digest digest, DownloadListener listener, DownloadCopy copy)
      throws IOException {
    List<String> failures = new ArrayList<>();
    boolean onlyMismatches = true;
    // bytes received from every mirror: one cut part way is resumed by the next
    AtomicLong received = new AtomicLong();
    for (int i = 0; i < sources.size(); i++) {
      URI source = sources.get(i);
      boolean last = i == sources.size() - 1;
      String failure;
      try {
        return downloadFrom(source, last, sources.size() == 1, digest, listener, copy, received);
      } catch (GenVmException e) {
        boolean mismatch = e.exitCode() == ExitCode.CHECKSUM_MISMATCH.code();
        if (sources.size() == 1 || !(mismatch || e.exitCode() == ExitCode.DOWNLOAD_FAILED.code())) {
          throw e;
        }
        failure = e.getMessage();
        onlyMismatches &= mismatch;
      }
      failures.add(failure);
      if (!last) {
        listener.mirrorFailed(source, failure, sources.get(i + 1));
      }
    }
    boolean anyMismatch = failures.stream().anyMatch(f -> f.contains(MISMATCH));
    String expected = anyMismatch ? "; expected " + digest.type() + " " + digest.hex() : "";
    throw new GenVmException(
        onlyMismatches ? ExitCode.CHECKSUM_MISMATCH : ExitCode.DOWNLOAD_FAILED,
        "every mirror failed: " + String.join("; ", failures) + expected);
  }

  /**
   * The verified file downloaded from one source.
   *
   * @param retry whether failed attempts are retried (else the first failure ends it)
   * @param single whether it is the only source (its mismatch names the expected digest)
   * @param received counts the bytes received over the network, from this source and before it
   * @throws GenVmException CHECKSUM_MISMATCH when the bytes do not verify, DOWNLOAD_FAILED when the
   *     source failed
   */
  private FetchResult downloadFrom(
      URI source,
      boolean retry,
      boolean single,
      Digest digest,
      DownloadListener listener,
      DownloadCopy copy,
      AtomicLong received)
      throws IOException {
    Path part = cache.partPath(digest);
    for (int pass = 1; ; pass++) {
      Fetched fetched = new Fetched();
      boolean inParts = settings.connections() > 1;
      while (true) {
        SegmentTrigger trigger =
            inParts ? new SegmentTrigger(listener, cache, digest, settings) : null;
        overOne(
            source, retry, digest, trigger == null ? listener : trigger, copy, fetched, received);
        if (trigger == null || !trigger.fired()) {
          break;
        }
        SegmentedDownload.Result parts =
            new SegmentedDownload(cache, settings, digest, source)
                .run(listener, retry, trigger.alreadyHave(), copy);
        if (parts != null) {
          fetched.actual = parts.hex();
          received.addAndGet(parts.network());
          fetched.connections = parts.connections();
          fetched.copyComplete = parts.copyComplete();
          break;
        }
        inParts = false; // ranges ignored or the file changed: one connection, from the start
        fetched.keptEarlier = false;
      }
      String actual = fetched.actual;
      if (!actual.equals(digest.hex())) {
        Files.deleteIfExists(part);
        Files.deleteIfExists(cache.partInfoPath(digest));
        if (pass == 1 && fetched.keptEarlier) {
          log.warn(
              "{}: the download resumed from bytes held already did not verify;"
                  + " downloading it again from the start",
              source);
          continue;
        }
        if (single) {
          throw LocalFiles.mismatch(source.toString(), digest, actual);
        }
        throw new GenVmException(
            ExitCode.CHECKSUM_MISMATCH,
            source + ": " + MISMATCH + " (got " + digest.type() + " " + actual + ")");
      }
      long size = Files.size(part);
      Path target = cache.entryPath(digest);
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
      FileSync.forceDirectory(Folders.of(target));
      Files.deleteIfExists(cache.partInfoPath(digest));
      Instant now = Instant.now();
      cache.writeInfo(digest, new EntryInfo(source, size, now, now));
      if (copy != null && fetched.copyComplete) {
        copy.markComplete();
      }
      listener.finished(source, size);
      return new FetchResult(target, digest, false, received.get(), source);
    }
  }

  /** What one source's download got: its digest and how it came. */
  private static final class Fetched {
    String actual;
    boolean keptEarlier;
    boolean copyComplete;
    int connections = 1;
  }

  /**
   * Downloads over one connection into the partial file, continuing after the bytes it holds; with
   * a {@link SegmentTrigger} as the listener, a large file is left for a download in parts after
   * the first bytes (the trigger says so, and {@code fetched.actual} stays null).
   */
  private void overOne(
      URI source,
      boolean retry,
      Digest digest,
      DownloadListener listener,
      DownloadCopy copy,
      Fetched fetched,
      AtomicLong received)
      throws IOException {
    Path part = cache.partPath(digest);
    FileSink sink = FileSink.open(cache, digest, settings.bufferSize(), copy);
    boolean handedOver = false;
    try {
      if (sink.resumedBytes() > 0) {
        // the listener's start says it to the user ("resuming at ..."), once
        log.debug("{}: resuming after {} bytes held already", source, sink.resumedBytes());
      }
      try {
        transfer.run(source, sink, listener, retry);
      } catch (SegmentTrigger.Fired e) {
        handedOver = true;
        fetched.keptEarlier = sink.keptEarlierBytes();
        return;
      }
      try {
        fetched.actual = sink.finish();
      } catch (ClosedByInterruptException e) {
        throw e;
      } catch (IOException e) {
        throw sink.failure(e, -1);
      }
      fetched.keptEarlier = sink.keptEarlierBytes();
      fetched.copyComplete = sink.copyComplete();
    } finally {
      // every byte taken, a failed attempt's too: a mirror after this one may resume them
      received.addAndGet(sink.taken());
      closeQuietly(sink);
      if (fetched.actual == null && !handedOver && sink.size() == 0) {
        // nothing to resume: leave no empty partial behind
        Files.deleteIfExists(part);
        Files.deleteIfExists(cache.partInfoPath(digest));
      }
    }
  }

  private static void closeQuietly(FileSink sink) {
    try {
      sink.close();
    } catch (IOException e) {
      log.debug("closing {}: {}", sink.part(), e.toString());
    }
  }
}
