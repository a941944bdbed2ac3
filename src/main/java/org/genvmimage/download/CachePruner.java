package org.genvmimage.download;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import org.genvmimage.console.Console;
import org.genvmimage.console.Units;

/**
 * Removes cache entries, never one that a build uses: each is removed under its exclusive lock.
 * {@link #prune} takes what was not used for longer than a maximum age, then the least recently
 * used entries until the cache fits a maximum size; {@link #delete} takes chosen entries. One line
 * per entry goes to {@code out}; messages go to the console.
 */
public final class CachePruner {
  /**
   * What a prune or delete did.
   *
   * @param total the bytes the cache held before
   * @param freed the bytes removed (or that would be, in a dry run)
   * @param removed the entries removed
   * @param kept the entries kept because a build uses them
   */
  public record Outcome(long total, long freed, int removed, int kept) {
    /** The bytes the cache holds after. */
    public long remaining() {
      return total - freed;
    }
  }

  private final DownloadCache cache;
  private final Console console;
  private final Consumer<String> out;
  private final boolean dryRun;

  /** A pruner of {@code cache}; with {@code dryRun} it only says what it would remove. */
  public CachePruner(DownloadCache cache, Console console, Consumer<String> out, boolean dryRun) {
    this.cache = cache;
    this.console = console;
    this.out = out;
    this.dryRun = dryRun;
  }

  /**
   * Removes the entries (and partial downloads) unused for longer than {@code maxAge} (zero: every
   * entry), then the least recently used ones until at most {@code maxSize} bytes remain; either
   * limit may be null. Then, unless a dry run, the stale lock files.
   */
  public Outcome prune(Duration maxAge, Long maxSize, Instant now)
      throws IOException, InterruptedException {
    List<CacheEntry> entries = oldestFirst(cache.list());
    long total = entries.stream().mapToLong(e -> Math.max(0, e.size())).sum();
    Set<CacheEntry> handled = new LinkedHashSet<>();
    long freed = 0;
    int removed = 0;
    int kept = 0;
    if (maxAge != null) {
      for (CacheEntry e : olderThan(entries, maxAge, now)) {
        long bytes = prune(e, "unused for " + ago(e, now));
        handled.add(e);
        if (bytes >= 0) {
          freed += bytes;
          removed++;
        } else {
          kept++;
        }
      }
    }
    if (maxSize != null) {
      long remaining = total - freed;
      for (CacheEntry e : entries) {
        if (remaining <= maxSize) {
          break;
        }
        if (handled.contains(e)) {
          continue;
        }
        long bytes = prune(e, "least recently used, " + ago(e, now) + " ago");
        if (bytes >= 0) {
          freed += bytes;
          remaining -= bytes;
          removed++;
        } else {
          kept++;
        }
      }
    }
    if (!dryRun) {
      int locks = cache.removeStaleLockFiles();
      console.debug("removed " + count(locks, "stale lock file", "stale lock files"));
    }
    return new Outcome(total, freed, removed, kept);
  }

  /**
   * Deletes the entries of these keys: verified file, metadata, partial download and lock. An entry
   * in use is waited for, or with {@code noWait} kept. With {@code all}, also the remembered sums
   * files and stale lock files.
   */
  public Outcome delete(Collection<Digest> keys, boolean noWait, boolean all)
      throws IOException, InterruptedException {
    long freed = 0;
    int deleted = 0;
    int kept = 0;
    for (Digest key : keys) {
      String label = CacheSelection.label(key);
      checkInterrupted();
      Optional<EntryLock> lock = cache.tryLockExclusive(key);
      if (lock.isEmpty()) {
        if (noWait) {
          console.warn(label + ": in use by a build; kept");
          kept++;
          continue;
        }
        console.info(
            "waiting for the builds that use " + label + " to finish (--no-wait keeps it)");
        lock = Optional.of(cache.lockExclusive(key, () -> {}));
      }
      try (EntryLock held = lock.get()) {
        if (cache.find(key, false).isEmpty() && cache.find(key, true).isEmpty()) {
          console.debug(label + ": already gone");
          continue;
        }
        long bytes = cache.remove(held, true, true);
        freed += bytes;
        deleted++;
        out.accept("deleted  " + label + "  " + Units.bytes(bytes));
      }
    }
    if (all) {
      freed += cache.clearSums();
      int locks = cache.removeStaleLockFiles();
      console.debug("removed " + count(locks, "stale lock file", "stale lock files"));
    }
    return new Outcome(-1, freed, deleted, kept);
  }

  /** The entries, least recently used first (unknown use counts as oldest). */
  static List<CacheEntry> oldestFirst(Collection<CacheEntry> entries) {
    List<CacheEntry> sorted = new ArrayList<>(entries);
    sorted.sort(
        Comparator.comparing(
            (CacheEntry e) -> e.lastUsed() == null ? Instant.EPOCH : e.lastUsed()));
    return sorted;
  }

  /** The entries not used for longer than {@code maxAge}; zero means all, whatever their clock. */
  static List<CacheEntry> olderThan(List<CacheEntry> entries, Duration maxAge, Instant now) {
    Instant cutoff = now.minus(maxAge);
    return entries.stream()
        .filter(e -> maxAge.isZero() || e.lastUsed() == null || e.lastUsed().isBefore(cutoff))
        .toList();
  }

  /** Removes one entry or partial download if nobody uses it; the bytes freed, or -1 if kept. */
  private long prune(CacheEntry e, String why) throws IOException, InterruptedException {
    checkInterrupted();
    String label = CacheSelection.label(e.digest()) + (e.partial() ? " (partial)" : "");
    if (dryRun) {
      out.accept("would prune  " + label + "  " + Units.bytes(e.size()) + "  (" + why + ")");
      return Math.max(0, e.size());
    }
    Optional<EntryLock> lock = cache.tryLockExclusive(e.digest());
    if (lock.isEmpty()) {
      console.warn(label + ": in use; kept");
      return -1;
    }
    try (EntryLock held = lock.get()) {
      Optional<CacheEntry> current = cache.find(e.digest(), e.partial());
      if (current.isEmpty()) {
        console.debug(label + ": already gone");
        return 0;
      }
      if (!Objects.equals(current.get().lastUsed(), e.lastUsed())) {
        console.info(label + ": used just now; kept");
        return -1;
      }
      long bytes = cache.remove(held, !e.partial(), e.partial());
      out.accept("pruned  " + label + "  " + Units.bytes(bytes) + "  (" + why + ")");
      return bytes;
    }
  }

  /** How long ago an entry was last used, in days, hours or minutes. */
  static String ago(CacheEntry e, Instant now) {
    if (e.lastUsed() == null) {
      return "an unknown time";
    }
    Duration d = Duration.between(e.lastUsed(), now);
    if (d.toDays() >= 2) {
      return d.toDays() + " days";
    }
    if (d.toHours() >= 2) {
      return d.toHours() + " hours";
    }
    return Math.max(0, d.toMinutes()) + " min";
  }

  /** "1 entry", "2 entries". */
  public static String count(long n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }

  private static void checkInterrupted() throws InterruptedException {
    if (Thread.interrupted()) {
      throw new InterruptedException();
    }
  }
}
