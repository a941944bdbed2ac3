package org.genvmimage.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileLockInterruptionException;
import java.nio.file.FileSystemException;
import java.util.Set;
import java.util.concurrent.Callable;
import org.genvmimage.console.Console;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.core.IoErrors;
import org.genvmimage.download.DownloadCache;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * What the cache commands share: the cache folder, verbosity, errors and interrupts. The options
 * given before {@code cache} apply when the command does not give its own.
 */
abstract class CacheAction extends CommandBase implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Mixin CacheDirOption cacheDir;

  @Mixin OutputOptions output;

  /** The common codes, and a file system error in the cache; a command adds its own. */
  @Override
  Set<ExitCode> exitCodes() {
    return commonAnd(ExitCode.TOOL_FAILED);
  }

  @Override
  public final Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try (Console console = output.console(GenVmImageCommand.NAME, err, false)) {
      Thread worker = Thread.currentThread();
      DownloadCache cache = new DownloadCache(cacheDir.resolve());
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
                  e instanceof FileSystemException f && f.getFile() != null
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
}
