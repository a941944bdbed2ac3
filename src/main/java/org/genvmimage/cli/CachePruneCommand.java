package org.genvmimage.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import org.genvmimage.console.Console;
import org.genvmimage.console.Units;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.download.CachePruner;
import org.genvmimage.download.DownloadCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gen-vm-image cache prune}. */
@Command(
    name = "prune",
    description = {
      "Deletes the entries (and partial downloads) not used for longer than --max-age, then the"
          + " least recently used ones until the cache holds at most --max-size. Entries that a"
          + " build is using are kept.",
      ""
    })
final class CachePruneCommand extends CacheAction {
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
    CachePruner.Outcome done =
        new CachePruner(cache, console, out::println, dryRun).prune(maxAge, maxSize, Instant.now());
    if (maxSize != null && done.remaining() > maxSize) {
      console.warn(
          "the cache holds "
              + Units.bytes(done.remaining())
              + ", more than --max-size "
              + Units.bytes(maxSize)
              + ", because entries in use were kept");
    }
    out.println(
        (dryRun ? "would free " : "freed ")
            + Units.bytes(done.freed())
            + " ("
            + CachePruner.count(done.removed(), "entry", "entries")
            + (done.kept() > 0 ? ", " + done.kept() + " in use and kept" : "")
            + "); the cache "
            + (dryRun ? "would hold " : "holds ")
            + Units.bytes(done.remaining()));
    return ExitCode.OK.code();
  }
}
