package org.genvmimage.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.genvmimage.console.Console;
import org.genvmimage.console.Units;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.download.CachePruner;
import org.genvmimage.download.CacheSelection;
import org.genvmimage.download.Digest;
import org.genvmimage.download.DownloadCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code gen-vm-image cache delete}. */
@Command(
    name = "delete",
    description = {
      "Deletes cache entries: the verified file, its metadata, a partial download and the lock"
          + " file. An entry that a build is reading is deleted when the build has converted it"
          + " (or kept, with --no-wait).",
      ""
    })
final class CacheDeleteCommand extends CacheAction {
  @Override
  Set<ExitCode> exitCodes() {
    return commonAnd(ExitCode.INVALID_INPUT, ExitCode.TOOL_FAILED);
  }

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
    Set<Digest> keys = CacheSelection.keys(cache.list());
    Set<Digest> targets =
        all
            ? keys
            : CacheSelection.match(keys, checksums, cache.dir(), CacheCommand.NAME + " list");
    CachePruner.Outcome done =
        new CachePruner(cache, console, out::println, false).delete(targets, noWait, all);
    out.println(
        "freed "
            + Units.bytes(done.freed())
            + " ("
            + CachePruner.count(done.removed(), "entry", "entries")
            + " deleted"
            + (done.kept() > 0 ? ", " + done.kept() + " in use and kept" : "")
            + ")");
    return ExitCode.OK.code();
  }
}
