package org.genvmimage.gocd;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.process.CommandRunner;
import org.genvmimage.process.CommandSpec;
import org.genvmimage.process.ProcessResult;

/**
 * What git knows about the repository that holds a folder: its top folder and the URL of its
 * remote. Runs {@code git} in that folder, from argument lists.
 */
public final class GitRepository {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final String HINT = "pass --gocd-material-url URL";

  private final CommandRunner runner;
  private final Path folder;

  public GitRepository(CommandRunner runner, Path folder) {
    this.runner = runner;
    this.folder = folder;
  }

  /** The repository's top folder, or empty when the folder is not in a git repository. */
  public Optional<Path> topLevel() {
    ProcessResult result = git(List.of("rev-parse", "--show-toplevel"), 0, 128);
    String top = result.stdout().strip();
    return result.exitCode() == 0 && !top.isEmpty() ? Optional.of(Path.of(top)) : Optional.empty();
  }

  /**
   * The URL of the remote {@code origin}, else of the only remote, as {@code git remote get-url}
   * gives it.
   *
   * @throws GenVmException USAGE when the folder is in no repository, or the repository has no such
   *     remote, or git is not installed
   */
  public String remoteUrl() {
    ProcessResult listed = git(List.of("remote"), 0, 128);
    if (listed.exitCode() != 0) {
      throw new GenVmException(
          ExitCode.USAGE,
          "no git remote to use as the GoCD material: "
              + folder
              + " is not in a git repository; "
              + HINT);
    }
    List<String> remotes =
        listed.stdout().lines().map(String::strip).filter(s -> !s.isEmpty()).toList();
    String remote;
    if (remotes.contains("origin")) {
      remote = "origin";
    } else if (remotes.size() == 1) {
      remote = remotes.get(0);
    } else if (remotes.isEmpty()) {
      throw new GenVmException(
          ExitCode.USAGE,
          "no git remote to use as the GoCD material: the repository of "
              + folder
              + " has no remote; "
              + HINT);
    } else {
      throw new GenVmException(
          ExitCode.USAGE,
          "no git remote to use as the GoCD material: the repository of "
              + folder
              + " has no remote 'origin' but several ("
              + String.join(", ", remotes)
              + "); "
              + HINT);
    }
    String url = git(List.of("remote", "get-url", remote), 0).stdout().strip();
    if (url.isEmpty()) {
      throw new GenVmException(
          ExitCode.USAGE, "git remote '" + remote + "' of " + folder + " has no URL; " + HINT);
    }
    return url;
  }

  private ProcessResult git(List<String> arguments, Integer... okCodes) {
    List<String> command = new java.util.ArrayList<>();
    command.add("git");
    command.addAll(arguments);
    CommandSpec spec =
        CommandSpec.of(command)
            .withWorkingDir(folder)
            .withTimeout(TIMEOUT)
            .withOkExitCodes(okCodes)
            .withEnv("GIT_TERMINAL_PROMPT", "0")
            .withMissingHint("install git, or " + HINT);
    try {
      return runner.run(spec);
    } catch (GenVmException e) {
      if (e.exitCode() == ExitCode.TOOL_MISSING.code()) {
        throw new GenVmException(ExitCode.USAGE, e.getMessage(), e);
      }
      throw e;
    }
  }
}
