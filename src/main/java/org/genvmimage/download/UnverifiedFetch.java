package org.genvmimage.download;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileLockInterruptionException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.FileSync;
import org.genvmimage.core.Folders;
import org.genvmimage.core.GenVmException;

/**
 * Downloads a file that has no expected digest (an image given without a checksum) into the {@link
 * DownloadCache}: hashed on the way, in one pass, into a partial file named after the URL, and then
 * filed under the digest of the bytes received, as every entry is. Nothing is verified, so nothing
 * is resumed either: each fetch downloads from the first byte (the server may serve other bytes by
 * now), and the entry of the digest it gets is reused when the cache holds it already.
 */
final class UnverifiedFetch {
  private final DownloadCache cache;
  private final DownloadSettings settings;
  private final HttpTransfer transfer;

  UnverifiedFetch(DownloadCache cache, DownloadSettings settings, HttpTransfer transfer) {
    this.cache = cache;
    this.settings = settings;
    this.transfer = transfer;
  }

  /**
   * The file downloaded from the first of {@code sources} that serves it, with its {@code type}
   * digest; its entry locked shared until the lease is closed.
   */
  @SuppressWarnings("try") // the locks are held for the body
  FetchLease fetch(List<URI> sources, String type, DownloadListener listener) {
    Digest staging = staging(sources.get(0), type);
    try {
      try (EntryLock reading = cache.lock(staging, true, FileLocks.Waiting.NONE);
          EntryLock writing = cache.lockWriting(reading, FileLocks.Waiting.NONE)) {
        return download(sources, staging, listener);
      } finally {
        cache.removeUnusedLock(staging);
      }
    } catch (ClosedByInterruptException | FileLockInterruptionException e) {
      throw HttpFailures.interrupted();
    } catch (InterruptedException e) {
      throw HttpFailures.interrupted();
    } catch (IOException e) {
      throw CacheFetch.cacheFailure(cache, e, cache.partPath(staging));
    }
  }

  private FetchLease download(List<URI> sources, Digest staging, DownloadListener listener)
      throws IOException, InterruptedException {
    Path part = cache.partPath(staging);
    AtomicLong received = new AtomicLong(); // from every mirror tried
    for (int i = 0; ; i++) {
      URI source = sources.get(i);
      boolean last = i == sources.size() - 1;
      discard(staging);
      FileSink sink = FileSink.open(cache, staging, settings.bufferSize(), null);
      String actual;
      try {
        transfer.run(source, sink, listener, last);
        actual = sink.finish();
      } catch (GenVmException e) {
        discard(staging);
        if (last || e.exitCode() != ExitCode.DOWNLOAD_FAILED.code()) {
          throw e;
        }
        listener.mirrorFailed(source, e.getMessage(), sources.get(i + 1));
        continue;
      } finally {
        received.addAndGet(sink.taken());
        sink.close();
      }
      Digest digest = new Digest(staging.type(), actual);
      return file(part, staging, digest, source, received.get(), listener);
    }
  }

  /** Files the partial download under its digest (or drops it for the entry held already). */
  @SuppressWarnings("try") // the write lock is held for the body
  private FetchLease file(
      Path part, Digest staging, Digest digest, URI source, long network, DownloadListener listener)
      throws IOException, InterruptedException {
    EntryLock reading = cache.lock(digest, true, FileLocks.Waiting.NONE);
    boolean keep = false;
    try {
      long size = Files.size(part);
      Path target = cache.entryPath(digest);
      boolean held;
      try (EntryLock writing = cache.lockWriting(reading, FileLocks.Waiting.NONE)) {
        held = Files.isRegularFile(target);
        if (held) {
          Files.delete(part);
        } else {
          Files.createDirectories(Folders.of(target));
          Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
          FileSync.forceDirectory(Folders.of(target));
          Instant now = Instant.now();
          cache.writeInfo(digest, new EntryInfo(source, size, now, now));
        }
        discard(staging);
      }
      listener.finished(source, size);
      keep = true;
      return new FetchLease(new FetchResult(target, digest, held, network, source, null), reading);
    } finally {
      if (!keep) {
        reading.close();
        cache.removeUnusedLock(digest);
      }
    }
  }

  private void discard(Digest staging) throws IOException {
    Files.deleteIfExists(cache.partPath(staging));
    Files.deleteIfExists(cache.partInfoPath(staging));
  }

  /** The key of the partial download of a URL: the digest of its text, so one URL has one. */
  static Digest staging(URI source, String type) {
    Hasher hasher = Checksums.newHasher(type);
    hasher.update(ByteBuffer.wrap(("unverified " + source).getBytes(StandardCharsets.UTF_8)));
    return new Digest(type, hasher.hexDigest());
  }
}
