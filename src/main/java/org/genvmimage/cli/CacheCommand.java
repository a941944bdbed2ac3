package org.genvmimage.cli;

import java.util.EnumSet;
import java.util.Set;
import java.util.concurrent.Callable;
import org.genvmimage.core.ExitCode;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gen-vm-image cache list|delete|prune}: shows and cleans the download cache. Removing takes
 * each entry's lock exclusively, so it never pulls a file from under a build that reads it, and a
 * build never sees a half-removed entry.
 */
@Command(
    name = "cache",
    description = {
      "Shows and cleans the download cache: the verified base images, by checksum, that builds"
          + " reuse.",
      ""
    },
    synopsisSubcommandLabel = "COMMAND",
    subcommands = {CacheListCommand.class, CacheDeleteCommand.class, CachePruneCommand.class})
public final class CacheCommand extends CommandBase implements Callable<Integer> {
  @Override
  Set<ExitCode> exitCodes() {
    return EnumSet.of(ExitCode.OK, ExitCode.USAGE);
  }

  static final String NAME = GenVmImageCommand.NAME + " cache";

  @Spec CommandSpec spec;

  @Override
  public Integer call() {
    throw new ParameterException(spec.commandLine(), "missing a command: list, delete or prune");
  }
}
