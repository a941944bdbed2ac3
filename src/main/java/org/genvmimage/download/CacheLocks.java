package org.genvmimage.download;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The locks of the {@link DownloadCache}'s entries, the guard ({@code .lock}) around opening and
 * deleting their lock files, and the removals that need them (see the class comment of {@link
 * DownloadCache} for the protocol).
 */
final class CacheLocks {
  private static final Logger log = LoggerFactory.getLogger(CacheLocks.class);

  /** How often, and how many milliseconds apart, a cleanup tries for the guard. */
  private static final int GUARD_ATTEMPTS = 40;

  private static final long GUARD_RETRY_MILLIS = 25;

  private final CacheLayout layout;
  private final CacheListing listing;

  CacheLocks(CacheLayout layout, CacheListing listing) {
    this.layout = layout;
    this.listing = listing;
  }

  /** Takes the entry's lock; with {@code wait} false, returns null when someone else holds it. */
  @SuppressWarnings("try") // the lock is held for the body
  EntryLock acquire(Digest digest, boolean shared, boolean wait, FileLocks.Waiting waiting)
      throws IOException, InterruptedException {
    Path lockFile = layout.lockPath(digest);
    // FileLocks creates the lock file's folder under the guard, where removals cannot interfere
    try (FileLocks.Held guard = FileLocks.lock(layout.guardPath(), true, FileLocks.Waiting.NONE)) {
      FileLocks.Held held =
          wait ? FileLocks.lock(lockFile, shared, waiting) : FileLocks.tryLock(lockFile, shared);
      return held == null ? null : new EntryLock(digest, held);
    }
  }

  /** Takes an entry's lock exclusively if nobody else holds it. */
  Optional<EntryLock> tryExclusive(Digest digest) throws IOException {
    try {
      return Optional.ofNullable(acquire(digest, false, false, FileLocks.Waiting.NONE));
    } catch (InterruptedException e) {
      throw new AssertionError("a try does not wait", e);
    }
  }

  /** See {@link DownloadCache#remove}. */
  long remove(EntryLock lock, boolean verified, boolean partial) throws IOException {
    Digest digest = lock.digest();
    if (!lock.isExclusiveFor(digest)) {
      throw new IllegalStateException(
          "removing " + digest.type() + "/" + digest.hex() + " needs its lock");
    }
    long freed = 0;
    if (verified) {
      freed += CacheListing.deleteCounting(layout.entryPath(digest));
      Files.deleteIfExists(layout.infoPath(digest));
    }
    if (partial) {
      freed += CacheListing.deleteCounting(layout.partPath(digest));
      Files.deleteIfExists(layout.partInfoPath(digest));
    }
    if (!Files.exists(layout.entryPath(digest)) && !Files.exists(layout.partPath(digest))) {
      removeLockFile(digest);
    }
    return freed;
  }

  /** Deletes an entry's lock file (its lock held exclusively) if nobody is opening lock files. */
  private void removeLockFile(Digest digest) {
    try (FileLocks.Held guard = FileLocks.tryLock(layout.guardPath(), false)) {
      if (guard == null) {
        log.debug(
            "keeping {}: another process or thread is taking a cache lock",
            layout.lockPath(digest));
        return;
      }
      Files.deleteIfExists(layout.lockPath(digest));
      removeTypeDirIfEmpty(digest.type());
    } catch (IOException e) {
      log.debug("keeping {}: {}", layout.lockPath(digest), e.toString());
    }
  }

  /** See {@link DownloadCache#removeUnusedLock}. */
  void removeUnusedLock(Digest digest) {
    Path lockFile = layout.lockPath(digest);
    // a cleanup after an interrupt must not be cut short by it (lock calls are interruptible)
    boolean interrupted = Thread.interrupted();
    try (FileLocks.Held guard = tryGuardExclusive()) {
      if (guard == null) {
        log.debug("keeping {}: another process or thread is taking a cache lock", lockFile);
        return;
      }
      if (Files.exists(lockFile)) {
        try (FileLocks.Held held = FileLocks.tryLock(lockFile, false)) {
          if (held == null || Files.exists(layout.entryPath(digest))) {
            return;
          }
          Files.deleteIfExists(lockFile);
        }
      }
      removeTypeDirIfEmpty(digest.type());
    } catch (IOException e) {
      log.debug("keeping {}: {}", lockFile, e.toString());
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The guard held exclusively, or null when others keep taking cache locks for a while. Two
   * fetches of one entry that fail together each find the other in the way for a moment (one holds
   * the guard, the other the entry's lock); a short retry lets the last one out clean up.
   */
  private FileLocks.Held tryGuardExclusive() throws IOException {
    for (int attempt = 0; ; attempt++) {
      FileLocks.Held guard = FileLocks.tryLock(layout.guardPath(), false);
      if (guard != null || attempt == GUARD_ATTEMPTS) {
        return guard;
      }
      try {
        Thread.sleep(GUARD_RETRY_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  /**
   * Deletes a type folder that holds nothing. Called with {@code .lock} held exclusively: every
   * writer in a type folder holds the lock of an entry whose lock file is in it, and lock files
   * (and their folder) are made only under {@code .lock} held shared.
   */
  private void removeTypeDirIfEmpty(String type) {
    try {
      Files.deleteIfExists(layout.typeDir(type));
    } catch (IOException notEmpty) {
      // in use
    }
  }

  /** See {@link DownloadCache#removeStaleLockFiles}. */
  int removeStaleLockFiles() throws IOException {
    if (!Files.isDirectory(layout.dir())) {
      return 0;
    }
    int removed = 0;
    try (FileLocks.Held guard = FileLocks.tryLock(layout.guardPath(), false)) {
      if (guard == null) {
        log.debug("not cleaning lock files: another process or thread is taking a cache lock");
        return 0;
      }
      for (Path typeDir : listing.typeDirs()) {
        String type = typeDir.getFileName().toString();
        List<Digest> stale = new ArrayList<>();
        try (Stream<Path> files = Files.list(typeDir)) {
          files
              .map(f -> CacheLayout.digestOf(type, f.getFileName().toString(), ".lock"))
              .flatMap(Optional::stream)
              .forEach(stale::add);
        }
        for (Digest digest : stale) {
          if (Files.exists(layout.entryPath(digest)) || Files.exists(layout.partPath(digest))) {
            continue;
          }
          try (FileLocks.Held held = FileLocks.tryLock(layout.lockPath(digest), false)) {
            if (held == null
                || Files.exists(layout.entryPath(digest))
                || Files.exists(layout.partPath(digest))) {
              continue;
            }
            Files.deleteIfExists(layout.infoPath(digest));
            Files.deleteIfExists(layout.partInfoPath(digest));
            Files.deleteIfExists(layout.lockPath(digest));
            removed++;
          }
        }
        removeTypeDirIfEmpty(type);
      }
    }
    return removed;
  }
}
