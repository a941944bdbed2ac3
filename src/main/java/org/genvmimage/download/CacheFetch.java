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
import java.util.Optional;
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

  private final DownloadCache cache;
  private final DownloadSettings settings;
  private final HttpTransfer transfer;

  CacheFetch(DownloadCache cache, DownloadSettings settings, HttpTransfer transfer) {
    this.cache = cache;
    this.settings = settings;
    this.transfer = transfer;
  }

  /** The verified file, its entry locked shared until the lease is closed. */
  @SuppressWarnings("try") // the lock is held for the body
  FetchLease fetch(URI source, Digest digest, DownloadListener listener, DownloadCopy copy) {
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
            fetched = hit.isPresent() ? hit.get() : download(source, digest, listener, copy);
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

  private FetchResult download(
      URI source, Digest digest, DownloadListener listener, DownloadCopy copy) throws IOException {
    Path part = cache.partPath(digest);
    long network = 0;
    for (int pass = 1; ; pass++) {
      FileSink sink = FileSink.open(cache, digest, settings.bufferSize(), copy);
      String actual = null;
      try {
        if (sink.resumedBytes() > 0) {
          // the listener's start says it to the user ("resuming at ..."), once
          log.debug("{}: resuming after {} bytes from an earlier run", source, sink.resumedBytes());
        }
        network += transfer.run(source, sink, listener);
        try {
          actual = sink.finish();
        } catch (ClosedByInterruptException e) {
          throw e;
        } catch (IOException e) {
          throw sink.failure(e, -1);
        }
      } finally {
        closeQuietly(sink);
        if (actual == null && sink.size() == 0) {
          // nothing to resume: leave no empty partial behind
          Files.deleteIfExists(part);
          Files.deleteIfExists(cache.partInfoPath(digest));
        }
      }
      if (!actual.equals(digest.hex())) {
        Files.deleteIfExists(part);
        Files.deleteIfExists(cache.partInfoPath(digest));
        if (pass == 1 && sink.keptEarlierBytes()) {
          log.warn(
              "{}: the download resumed from an earlier run did not verify;"
                  + " downloading it again from the start",
              source);
          continue;
        }
        throw LocalFiles.mismatch(source.toString(), digest, actual);
      }
      long size = Files.size(part);
      Path target = cache.entryPath(digest);
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
      FileSync.forceDirectory(Folders.of(target));
      Files.deleteIfExists(cache.partInfoPath(digest));
      Instant now = Instant.now();
      cache.writeInfo(digest, new EntryInfo(source, size, now, now));
      if (copy != null && sink.copyComplete()) {
        copy.markComplete();
      }
      listener.finished(source, size);
      return new FetchResult(target, digest, false, network, source);
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
