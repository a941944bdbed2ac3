package org.genvmimage.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Entry locks across threads of this JVM and across processes, and removing entries under them. */
class DownloadCacheLockTest {
  private static final String HEX = "ab".repeat(32);

  @TempDir Path tmp;
  DownloadCache cache;
  ExecutorService pool;

  @BeforeEach
  void setUp() throws Exception {
    cache = new DownloadCache(tmp);
    Path file = cache.entryPath(new Digest("sha256", HEX));
    Files.createDirectories(file.getParent());
    Files.write(file, new byte[1000]);
    pool = Executors.newCachedThreadPool();
  }

  @AfterEach
  void tearDown() {
    pool.shutdownNow();
  }

  @Test
  void threadsShareAnEntryAndKeepRemoversOutUntilTheLastLetsGo() throws Exception {
    CountDownLatch held = new CountDownLatch(2);
    CountDownLatch release = new CountDownLatch(1);
    Runnable reader =
        () -> {
          try (EntryLock lock = cache.lockShared(new Digest("sha256", HEX))) {
            assertThat(lock.shared()).isTrue();
            held.countDown();
            release.await();
          } catch (Exception e) {
            throw new IllegalStateException(e);
          }
        };
    Future<?> a = pool.submit(reader);
    Future<?> b = pool.submit(reader);
    assertThat(held.await(10, TimeUnit.SECONDS)).as("two readers at once").isTrue();

    assertThat(cache.tryLockExclusive(new Digest("sha256", HEX))).isEmpty();
    release.countDown();
    a.get(10, TimeUnit.SECONDS);
    b.get(10, TimeUnit.SECONDS);

    Optional<EntryLock> exclusive = cache.tryLockExclusive(new Digest("sha256", HEX));
    assertThat(exclusive).isPresent();
    try (EntryLock lock = exclusive.get()) {
      assertThat(lock.shared()).isFalse();
      assertThat(cache.remove(lock, true, true)).isEqualTo(1000);
    }
    assertThat(cache.entryPath(new Digest("sha256", HEX))).doesNotExist();
    assertThat(cache.lockPath(new Digest("sha256", HEX))).doesNotExist();
  }

  @Test
  void anExclusiveLockWaitsForAReaderAndSaysSoOnce() throws Exception {
    EntryLock reading = cache.lockShared(new Digest("sha256", HEX));
    AtomicInteger told = new AtomicInteger();
    Future<EntryLock> remover =
        pool.submit(() -> cache.lockExclusive(new Digest("sha256", HEX), told::incrementAndGet));
    Thread.sleep(300);
    assertThat(remover).isNotDone();
    assertThat(told).hasValue(1);

    reading.close();
    reading.close(); // a second close does nothing
    try (EntryLock lock = remover.get(10, TimeUnit.SECONDS)) {
      assertThat(lock.shared()).isFalse();
      assertThat(cache.tryLockExclusive(new Digest("sha256", HEX))).isEmpty();
    }
    assertThat(told).hasValue(1);
  }

  @Test
  void anotherProcessReadingTheEntryKeepsRemoversWaiting() throws Exception {
    Process holder = EntryHolder.start(tmp, "sha256", HEX);
    try {
      assertThat(cache.tryLockExclusive(new Digest("sha256", HEX))).isEmpty();
      AtomicInteger told = new AtomicInteger();
      Future<EntryLock> remover =
          pool.submit(() -> cache.lockExclusive(new Digest("sha256", HEX), told::incrementAndGet));
      Thread.sleep(300);
      assertThat(remover).isNotDone();
      assertThat(told).hasValue(1);

      holder.getOutputStream().close();
      try (EntryLock lock = remover.get(10, TimeUnit.SECONDS)) {
        cache.remove(lock, true, true);
      }
      assertThat(cache.entries()).isEmpty();
    } finally {
      holder.destroy();
      holder.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void aLockFileIsDeletedOnlyWhenNobodyCanBeWaitingForIt() throws Exception {
    EntryLock removing = cache.lockExclusive(new Digest("sha256", HEX), () -> {});
    CountDownLatch waiting = new CountDownLatch(1);
    Future<Boolean> reader =
        pool.submit(
            () -> {
              waiting.countDown();
              try (EntryLock lock = cache.lockShared(new Digest("sha256", HEX))) {
                return lock.shared() && Files.exists(cache.lockPath(new Digest("sha256", HEX)));
              }
            });
    waiting.await();
    Thread.sleep(200); // the reader now waits, with the lock file open
    assertThat(cache.remove(removing, true, true)).isEqualTo(1000);
    assertThat(cache.lockPath(new Digest("sha256", HEX)))
        .as("kept for the waiting reader")
        .exists();
    removing.close();
    assertThat(reader.get(10, TimeUnit.SECONDS)).isTrue();

    assertThat(cache.removeStaleLockFiles()).isEqualTo(1);
    assertThat(cache.lockPath(new Digest("sha256", HEX))).doesNotExist();
  }

  @SuppressWarnings("try") // the resource is held for the body, never used in it
  @Test
  void anUnusedLockFileGoesOnlyWhenNobodyHoldsOrWaitsForIt() throws Exception {
    String other = "cd".repeat(32);
    Path lockFile = cache.lockPath(new Digest("sha256", other));
    EntryLock holding = cache.lockExclusive(new Digest("sha256", other), () -> {});
    CountDownLatch waiting = new CountDownLatch(1);
    Future<Boolean> reader =
        pool.submit(
            () -> {
              waiting.countDown();
              try (EntryLock lock = cache.lockShared(new Digest("sha256", other))) {
                return Files.exists(lockFile);
              }
            });
    waiting.await();
    Thread.sleep(200); // the reader now waits for the entry, under the cache's guard
    cache.removeUnusedLock(new Digest("sha256", other));
    assertThat(lockFile).as("someone waits for it").exists();
    holding.close();
    assertThat(reader.get(10, TimeUnit.SECONDS))
        .as("the reader locked the file at the path")
        .isTrue();

    try (EntryLock reading = cache.lockShared(new Digest("sha256", other))) {
      cache.removeUnusedLock(new Digest("sha256", other));
      assertThat(lockFile).as("someone holds it").exists();
    }
    cache.removeUnusedLock(new Digest("sha256", HEX));
    assertThat(cache.lockPath(new Digest("sha256", HEX)))
        .as("nothing to remove for a verified entry")
        .doesNotExist();
    Files.createFile(cache.lockPath(new Digest("sha256", HEX)));
    cache.removeUnusedLock(new Digest("sha256", HEX));
    assertThat(cache.lockPath(new Digest("sha256", HEX)))
        .as("a verified entry keeps its lock file")
        .exists();

    cache.removeUnusedLock(new Digest("sha256", other));
    assertThat(lockFile).doesNotExist();
    assertThat(cache.typeDir("sha256")).as("still holds the verified entry").isDirectory();
  }

  @SuppressWarnings("try") // the resource is held for the body, never used in it
  @Test
  void theLastUnusedLockFileTakesItsEmptyTypeFolderWithIt() throws Exception {
    String other = "cd".repeat(32);
    try (EntryLock lock = cache.lockShared(new Digest("sha512", other + other))) {
      assertThat(cache.typeDir("sha512")).isDirectory();
    }
    cache.removeUnusedLock(new Digest("sha512", other + other));
    assertThat(cache.typeDir("sha512")).doesNotExist();
    // and the next lock makes it again
    try (EntryLock lock = cache.lockShared(new Digest("sha512", other + other))) {
      assertThat(cache.lockPath(new Digest("sha512", other + other))).exists();
    }
  }

  @SuppressWarnings("try") // the resource is held for the body, never used in it
  @Test
  void twoSpellingsOfOneCacheFolderShareTheirLocks() throws Exception {
    Path alias = Files.createSymbolicLink(tmp.resolveSibling(tmp.getFileName() + "-alias"), tmp);
    try {
      DownloadCache other = new DownloadCache(alias);
      try (EntryLock reading = cache.lockShared(new Digest("sha256", HEX));
          EntryLock alsoReading = other.lockShared(new Digest("sha256", HEX))) {
        assertThat(other.tryLockExclusive(new Digest("sha256", HEX))).isEmpty();
      }
      try (EntryLock lock = other.tryLockExclusive(new Digest("sha256", HEX)).orElseThrow()) {
        assertThat(cache.tryLockExclusive(new Digest("sha256", HEX))).isEmpty();
      }
    } finally {
      Files.delete(alias);
    }
  }

  @SuppressWarnings("try") // the resource is held for the body, never used in it
  @Test
  void staleLockFilesOfEntriesInUseAreKept() throws Exception {
    Path other = cache.lockPath(new Digest("sha256", "cd".repeat(32)));
    Files.createFile(other);
    Files.createFile(cache.lockPath(new Digest("sha256", HEX)));
    try (EntryLock lock = cache.lockShared(new Digest("sha256", "cd".repeat(32)))) {
      assertThat(cache.removeStaleLockFiles()).isZero();
    }
    assertThat(other).exists();
    assertThat(cache.lockPath(new Digest("sha256", HEX))).as("its entry is there").exists();
    assertThat(cache.removeStaleLockFiles()).isEqualTo(1);
    assertThat(other).doesNotExist();
  }
}
