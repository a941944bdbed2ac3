package org.genvmimage.gocd;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;
import org.genvmimage.architecture.Architecture;
import org.genvmimage.console.Console;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.Folders;
import org.genvmimage.core.GenVmException;
import org.genvmimage.process.CommandRunner;

/**
 * Writes the GoCD config for the images of an architecture file: finds the material URL and the
 * file's path in its git repository (unless given), renders the pipelines and writes them.
 */
public final class GocdWriter {
  /**
   * What the user chose; {@code materialUrl} and {@code materialPasswordSecret} may be null.
   *
   * @param configFile where the config is written (relative to the current folder)
   * @param materialUrl the git URL GoCD clones, or null for the repository's remote
   * @param branch the branch GoCD builds
   * @param group the pipeline group and environment
   * @param template the template each pipeline names
   * @param inlineStages whether each pipeline carries its own stage
   * @param lockBehavior each pipeline's {@code lock_behavior}
   * @param materialUsername the user name GoCD clones with, or null
   * @param materialPasswordSecret {@code CONFIG_ID:KEY} of the password's secret, or null
   */
  public record Options(
      Path configFile,
      String materialUrl,
      String branch,
      String group,
      String template,
      boolean inlineStages,
      LockBehavior lockBehavior,
      String materialUsername,
      String materialPasswordSecret) {}

  private final CommandRunner runner;
  private final Console console;

  /** A writer that runs git through {@code runner} and warns on {@code console}. */
  public GocdWriter(CommandRunner runner, Console console) {
    this.runner = runner;
    this.console = console;
  }

  /**
   * Renders the config for the selected images (all when {@code images} is empty), writes it when
   * {@code write} is set, and returns its path.
   */
  public Path write(
      Architecture architecture, List<String> images, Options options, boolean write) {
    GocdSettings settings = settings(architecture.file(), options);
    Path config = options.configFile();
    String yaml = GocdYaml.render(GocdConfig.build(architecture, images, settings));
    if (write) {
      GocdYaml.write(config, yaml);
      console.debug("wrote the GoCD config " + config);
    }
    return config;
  }

  /** The settings for an architecture file: the options, completed from its git repository. */
  GocdSettings settings(Path architectureFile, Options options) {
    SecretRef password = null;
    if (options.materialPasswordSecret() != null) {
      try {
        password = SecretRef.parse(options.materialPasswordSecret());
      } catch (IllegalArgumentException e) {
        throw new GenVmException(
            ExitCode.USAGE, "--gocd-material-password-secret: " + e.getMessage());
      }
    }
    Path file = architectureFile.toAbsolutePath().normalize();
    GitRepository git = new GitRepository(runner, Folders.of(file));
    String url = options.materialUrl();
    if (url == null) {
      MaterialUrls.Cleaned remote = MaterialUrls.clean(git.remoteUrl());
      url = remote.url();
      if (remote.changed()) {
        console.warn(
            "the git remote's URL holds credentials; they are left out of the GoCD config (use"
                + " --gocd-material-username and --gocd-material-password-secret): "
                + url);
      }
      if (!MaterialUrls.isRemote(url)) {
        console.warn(
            "the git remote '"
                + url
                + "' is not a network URL that a GoCD server can clone; pass --gocd-material-url");
      }
    }
    return new GocdSettings(
        url,
        options.branch(),
        options.group(),
        options.template(),
        options.inlineStages(),
        options.lockBehavior(),
        options.materialUsername(),
        password,
        pathInRepository(file, git));
  }

  /**
   * The architecture file's path from the top of its git repository, or else from the current
   * folder, or else its name alone (with a warning), with '/' between the parts.
   */
  private String pathInRepository(Path file, GitRepository git) {
    Path top = git.topLevel().orElse(null);
    Path base = top != null ? top : Path.of("").toAbsolutePath();
    Path relative;
    try {
      relative = base.toRealPath().relativize(file.toRealPath());
    } catch (IOException | IllegalArgumentException e) {
      relative = base.relativize(file);
    }
    if (relative.startsWith("..") || relative.toString().isEmpty()) {
      relative = file.getFileName();
      console.warn(
          "the architecture file "
              + file
              + " is neither in a git repository nor under the current folder; the pipelines"
              + " expect it as "
              + relative
              + " at the top of the repository they clone");
    }
    return String.join(
        "/", StreamSupport.stream(relative.spliterator(), false).map(Path::toString).toList());
  }
}
