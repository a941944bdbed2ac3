package org.genvmimage.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileLockInterruptionException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.genvmimage.console.Console;
import org.genvmimage.console.Units;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.core.IoErrors;
import org.genvmimage.download.CacheEntry;
import org.genvmimage.download.Checksums;
import org.genvmimage.download.DownloadCache;
import org.genvmimage.download.EntryLock;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/**
 * {@code gen-vm-image cache list|delete|prune}: shows and cleans the download cache. Removing takes
 * each entry's lock exclusively, so it never pulls a file from under a build that reads it, and a
 * build never sees a half-removed entry.
 */
@Command(
    name = "cache",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    usageHelpWidth = 100,
    description = {
      "Shows and cleans the download cache: the verified base images, by checksum, that builds"
          + " reuse.",
      ""
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {"0:done", "2:usage error (also: no command given)"},
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {
      CacheCommand.ListCommand.class,
      CacheCommand.DeleteCommand.class,
      CacheCommand.PruneCommand.class
    })
public final class CacheCommand implements Callable<Integer> {
  static final String NAME = GenVmImageCommand.NAME + " cache";
  private static final Pattern HEX = Pattern.compile("[0-9a-f]+");
  private static final int SHORT_HEX = 12;
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  @Spec CommandSpec spec;

  @ParentCommand GenVmImageCommand parent;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing a command: list, delete or prune");
  }

  /** What the three commands share: the cache folder, verbosity, errors and interrupts. */
  abstract static class Action implements Callable<Integer> {
    @Spec CommandSpec spec;

    @ParentCommand CacheCommand cacheCommand;

    @Mixin CacheDirOption cacheDir;

    @Mixin OutputOptions output;

    @Override
    public final Integer call() {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      try (Console console =
          new Console(GenVmImageCommand.NAME, err, verbosity(), false, stacktrace())) {
        Thread worker = Thread.currentThread();
        DownloadCache cache = cache();
        return Interruptible.run(
            () -> {
              try {
                return run(cache, out, console);
              } catch (ClosedByInterruptException
                  | FileLockInterruptionException
                  | InterruptedException e) {
                throw new GenVmException(ExitCode.INTERRUPTED, "interrupted", e);
              } catch (IOException e) {
                String file =
                    e instanceof java.nio.file.FileSystemException f && f.getFile() != null
                        ? f.getFile()
                        : cache.dir().toString();
                throw new GenVmException(ExitCode.TOOL_FAILED, file + ": " + IoErrors.reason(e), e);
              } finally {
                out.flush();
              }
            },
            worker::interrupt);
      }
    }

    abstract int run(DownloadCache cache, PrintWriter out, Console console)
        throws IOException, InterruptedException;

    /** {@code --cache-dir} given here, else before {@code cache}, else the default. */
    DownloadCache cache() {
      CacheDirOption chosen = cacheDir;
      if (cacheDir.given() == null && root() != null) {
        chosen = root().cacheDir;
      }
      return new DownloadCache(chosen.resolve());
    }

    private Console.Verbosity verbosity() {
      if (output.verbose || output.quiet || root() == null) {
        return output.verbosity();
      }
      return root().output.verbosity();
    }

    private boolean stacktrace() {
      return output.stacktrace || (root() != null && root().output.stacktrace);
    }

    private GenVmImageCommand root() {
      return cacheCommand == null ? null : cacheCommand.parent;
    }

    static void checkInterrupted() throws InterruptedException {
      if (Thread.interrupted()) {
        throw new InterruptedException();
      }
    }
  }

  /** {@code cache list}. */
  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      sortOptions = false,
      usageHelpWidth = 100,
      description = {
        "Lists the cache: one line per entry (checksum, size, last use in UTC, source URLs), partial"
            + " downloads marked as such, and the total.",
        ""
      },
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {"0:done", "1:unexpected internal error", "2:usage error"})
  static final class ListCommand extends Action {
    enum Format {
      text,
      json
    }

    @Option(
        names = "--output",
        paramLabel = "FORMAT",
        description = "text (a table) or json (one document). Default: ${DEFAULT-VALUE}.")
    Format format = Format.text;

    @Override
    int run(DownloadCache cache, PrintWriter out, Console console) throws IOException {
      List<CacheEntry> entries = cache.list();
      long total = entries.stream().mapToLong(e -> Math.max(0, e.size())).sum();
      if (format == Format.json) {
        out.println(json(entries, total));
        return ExitCode.OK;
      }
      if (!entries.isEmpty()) {
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"TYPE", "CHECKSUM", "SIZE", "LAST USED (UTC)", "SOURCE"});
        for (CacheEntry e : entries) {
          rows.add(
              new String[] {
                e.checksumType(),
                shortHex(e.checksumHex()),
                Units.bytes(e.size()),
                e.lastUsed() == null ? "-" : WHEN.format(e.lastUsed()),
                (e.partial() ? "(partial) " : "") + sources(e)
              });
        }
        printTable(out, rows);
      }
      long partial = entries.stream().filter(CacheEntry::partial).count();
      out.println(
          count(entries.size(), "entry", "entries")
              + (partial > 0 ? " (" + partial + " partial)" : "")
              + ", "
              + Units.bytes(total)
              + ", in "
              + cache.dir());
      return ExitCode.OK;
    }

    private static String sources(CacheEntry e) {
      return e.sources().isEmpty()
          ? "-"
          : e.sources().stream().map(URI::toString).collect(Collectors.joining(" "));
    }

    record Checksum(String type, String value) {}

    record Entry(
        Checksum checksum,
        String path,
        long size,
        List<String> sourceUrls,
        String created,
        String lastUsed,
        boolean partial) {}

    record Listing(List<Entry> entries, long totalSize) {}

    private static String json(List<CacheEntry> entries, long total) throws IOException {
      List<Entry> list =
          entries.stream()
              .map(
                  e ->
                      new Entry(
                          new Checksum(e.checksumType(), e.checksumHex()),
                          e.file().toString(),
                          e.size(),
                          e.sources().stream().map(URI::toString).toList(),
                          Objects.toString(e.created(), null),
                          Objects.toString(e.lastUsed(), null),
                          e.partial()))
              .toList();
      return new ObjectMapper()
          .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .writeValueAsString(new Listing(list, total));
    }
  }

  /** {@code cache delete}. */
  @Command(
      name = "delete",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      sortOptions = false,
      usageHelpWidth = 100,
      description = {
        "Deletes cache entries: the verified file, its metadata, a partial download and the lock"
            + " file. An entry that a build is reading is deleted when the build has converted it"
            + " (or kept, with --no-wait).",
        ""
      },
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
        "0:done (also when entries in use were kept with --no-wait)",
        "1:unexpected internal error",
        "2:usage error, or a checksum prefix that matches several entries",
        "3:no cache entry matches a checksum",
        "6:the file system failed",
        "130:interrupted"
      })
  static final class DeleteCommand extends Action {
    @Parameters(
        paramLabel = "CHECKSUM",
        arity = "0..*",
        description =
            "A checksum value, or its first digits as 'cache list' shows them; TYPE:VALUE"
                + " (sha256:3f2a...) to pick a type.")
    List<String> checksums = new ArrayList<>();

    @Option(names = "--all", description = "Delete every entry, and the remembered sums files.")
    boolean all;

    @Option(
        names = "--no-wait",
        description = "Keep entries that a build is using instead of waiting for it.")
    boolean noWait;

    @Override
    int run(DownloadCache cache, PrintWriter out, Console console)
        throws IOException, InterruptedException {
      if (all == !checksums.isEmpty()) {
        throw new GenVmException(
            ExitCode.USAGE,
            all
                ? "give either --all or checksums, not both"
                : "give the checksums of the entries to delete (see '"
                    + CacheCommand.NAME
                    + " list'), or --all");
      }
      List<CacheEntry> listed = cache.list();
      Set<Key> keys = new LinkedHashSet<>();
      listed.forEach(e -> keys.add(Key.of(e)));
      Set<Key> targets = all ? keys : match(keys, cache);

      long freed = 0;
      int deleted = 0;
      int kept = 0;
      for (Key key : targets) {
        checkInterrupted();
        Optional<EntryLock> lock = cache.tryLockExclusive(key.type(), key.hex());
        if (lock.isEmpty()) {
          if (noWait) {
            console.warn(key + ": in use by a build; kept");
            kept++;
            continue;
          }
          console.info(
              "waiting for the builds that use " + key + " to finish (--no-wait keeps it)");
          lock = Optional.of(cache.lockExclusive(key.type(), key.hex(), () -> {}));
        }
        try (EntryLock held = lock.get()) {
          if (cache.find(key.type(), key.hex(), false).isEmpty()
              && cache.find(key.type(), key.hex(), true).isEmpty()) {
            console.debug(key + ": already gone");
            continue;
          }
          long bytes = cache.remove(held, true, true);
          freed += bytes;
          deleted++;
          out.println("deleted  " + key + "  " + Units.bytes(bytes));
        }
      }
      if (all) {
        freed += cache.clearSums();
        int locks = cache.removeStaleLockFiles();
        console.debug("removed " + count(locks, "stale lock file", "stale lock files"));
      }
      out.println(
          "freed "
              + Units.bytes(freed)
              + " ("
              + count(deleted, "entry", "entries")
              + " deleted"
              + (kept > 0 ? ", " + kept + " in use and kept" : "")
              + ")");
      return ExitCode.OK;
    }

    private Set<Key> match(Set<Key> keys, DownloadCache cache) {
      Set<Key> targets = new LinkedHashSet<>();
      for (String given : checksums) {
        String value = given.strip().toLowerCase(Locale.ROOT);
        String type = null;
        int colon = value.indexOf(':');
        if (colon >= 0) {
          type = Checksums.canonicalName(value.substring(0, colon));
          value = value.substring(colon + 1);
          if (!Checksums.isSupported(type)) {
            throw new GenVmException(
                ExitCode.USAGE,
                "'"
                    + given
                    + "': unknown checksum type; supported: "
                    + String.join(", ", Checksums.supportedNames()));
          }
        }
        if (!HEX.matcher(value).matches()) {
          throw new GenVmException(
              ExitCode.USAGE, "'" + given + "' is not a checksum value (hex digits)");
        }
        String prefix = value;
        String wanted = type;
        List<Key> found =
            keys.stream()
                .filter(k -> wanted == null || k.type().equals(wanted))
                .filter(k -> k.hex().startsWith(prefix))
                .toList();
        if (found.isEmpty()) {
          throw new GenVmException(
              ExitCode.INVALID_INPUT,
              "no cache entry matches '"
                  + given
                  + "' in "
                  + cache.dir()
                  + " (see '"
                  + CacheCommand.NAME
                  + " list')");
        }
        if (found.size() > 1) {
          throw new GenVmException(
              ExitCode.USAGE,
              "'"
                  + given
                  + "' matches "
                  + found.size()
                  + " cache entries ("
                  + found.stream().map(Key::toString).collect(Collectors.joining(", "))
                  + "); give more digits");
        }
        targets.add(found.get(0));
      }
      return targets;
    }
  }

  /** {@code cache prune}. */
  @Command(
      name = "prune",
      mixinStandardHelpOptions = true,
      versionProvider = VersionProvider.class,
      sortOptions = false,
      usageHelpWidth = 100,
      description = {
        "Deletes the entries (and partial downloads) not used for longer than --max-age, then the"
            + " least recently used ones until the cache holds at most --max-size. Entries that a"
            + " build is using are kept.",
        ""
      },
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
        "0:done (also when entries in use were kept)",
        "1:unexpected internal error",
        "2:usage error",
        "6:the file system failed",
        "130:interrupted"
      })
  static final class PruneCommand extends Action {
    @Option(
        names = "--max-size",
        paramLabel = "SIZE",
        converter = Converters.SizeConverter.class,
        description = "Keep at most this much (1024-based: 500M, 10G).")
    Long maxSize;

    @Option(
        names = "--max-age",
        paramLabel = "DURATION",
        converter = Converters.DurationConverter.class,
        description =
            "Delete what was not used for this long (30d, 12h, 1d12h; 0: everything not in use).")
    Duration maxAge;

    @Option(names = "--dry-run", description = "Print what would be deleted, delete nothing.")
    boolean dryRun;

    @Override
    int run(DownloadCache cache, PrintWriter out, Console console)
        throws IOException, InterruptedException {
      if (maxSize == null && maxAge == null) {
        throw new GenVmException(ExitCode.USAGE, "give --max-size, --max-age or both");
      }
      Instant now = Instant.now();
      List<CacheEntry> entries = new ArrayList<>(cache.list());
      entries.sort(
          Comparator.comparing(
              (CacheEntry e) -> e.lastUsed() == null ? Instant.EPOCH : e.lastUsed()));
      long total = entries.stream().mapToLong(e -> Math.max(0, e.size())).sum();
      Map<CacheEntry, Boolean> handled = new LinkedHashMap<>();
      long freed = 0;
      int removed = 0;
      int kept = 0;
      if (maxAge != null) {
        Instant cutoff = now.minus(maxAge);
        for (CacheEntry e : entries) {
          // 0 means every entry, whatever its clock said
          if (maxAge.isZero() || e.lastUsed() == null || e.lastUsed().isBefore(cutoff)) {
            String why = "unused for " + ago(e, now);
            long bytes = prune(cache, e, why, out, console);
            handled.put(e, bytes >= 0);
            if (bytes >= 0) {
              freed += bytes;
              removed++;
            } else {
              kept++;
            }
          }
        }
      }
      if (maxSize != null) {
        long remaining = total - freed;
        for (CacheEntry e : entries) {
          if (remaining <= maxSize) {
            break;
          }
          if (handled.containsKey(e)) {
            continue;
          }
          long bytes =
              prune(cache, e, "least recently used, " + ago(e, now) + " ago", out, console);
          if (bytes >= 0) {
            freed += bytes;
            remaining -= bytes;
            removed++;
          } else {
            kept++;
          }
        }
        if (remaining > maxSize) {
          console.warn(
              "the cache holds "
                  + Units.bytes(remaining)
                  + ", more than --max-size "
                  + Units.bytes(maxSize)
                  + ", because entries in use were kept");
        }
      }
      if (!dryRun) {
        int locks = cache.removeStaleLockFiles();
        console.debug("removed " + count(locks, "stale lock file", "stale lock files"));
      }
      out.println(
          (dryRun ? "would free " : "freed ")
              + Units.bytes(freed)
              + " ("
              + count(removed, "entry", "entries")
              + (kept > 0 ? ", " + kept + " in use and kept" : "")
              + "); the cache "
              + (dryRun ? "would hold " : "holds ")
              + Units.bytes(total - freed));
      return ExitCode.OK;
    }

    /** Removes one entry or partial download if nobody uses it; the bytes freed, or -1 if kept. */
    private long prune(
        DownloadCache cache, CacheEntry e, String why, PrintWriter out, Console console)
        throws IOException, InterruptedException {
      checkInterrupted();
      String label = Key.of(e) + (e.partial() ? " (partial)" : "");
      if (dryRun) {
        out.println("would prune  " + label + "  " + Units.bytes(e.size()) + "  (" + why + ")");
        return Math.max(0, e.size());
      }
      Optional<EntryLock> lock = cache.tryLockExclusive(e.checksumType(), e.checksumHex());
      if (lock.isEmpty()) {
        console.warn(label + ": in use; kept");
        return -1;
      }
      try (EntryLock held = lock.get()) {
        Optional<CacheEntry> current = cache.find(e.checksumType(), e.checksumHex(), e.partial());
        if (current.isEmpty()) {
          console.debug(label + ": already gone");
          return 0;
        }
        if (!Objects.equals(current.get().lastUsed(), e.lastUsed())) {
          console.info(label + ": used just now; kept");
          return -1;
        }
        long bytes = cache.remove(held, !e.partial(), e.partial());
        out.println("pruned  " + label + "  " + Units.bytes(bytes) + "  (" + why + ")");
        return bytes;
      }
    }

    private static String ago(CacheEntry e, Instant now) {
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
  }

  /** One entry's identity: checksum type and value. */
  record Key(String type, String hex) {
    static Key of(CacheEntry e) {
      return new Key(e.checksumType(), e.checksumHex());
    }

    @Override
    public String toString() {
      return type + " " + shortHex(hex);
    }
  }

  static String shortHex(String hex) {
    return hex.length() > SHORT_HEX ? hex.substring(0, SHORT_HEX) : hex;
  }

  static String count(long n, String one, String many) {
    return n + " " + (n == 1 ? one : many);
  }

  /** Columns padded to their widest cell; the last column is not padded. */
  static void printTable(PrintWriter out, List<String[]> rows) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        if (i == columns - 1) {
          line.append(row[i]);
        } else {
          line.append(String.format("%-" + widths[i] + "s  ", row[i]));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
