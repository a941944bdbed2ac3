package org.genvmimage.cli;

import java.nio.file.Path;
import org.genvmimage.gocd.GocdSettings;
import org.genvmimage.gocd.GocdWriter;
import org.genvmimage.gocd.LockBehavior;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Option;

/** The {@code --gocd-*} options of gen-vm-image: one group, bound together. */
public final class GocdOptions {
  @Option(
      names = "--gocd-config-name",
      paramLabel = "GOCD_CONFIG_NAME",
      description = "Name of the generated gocd config file.")
  String configName = GocdSettings.DEFAULT_CONFIG_NAME;

  @Option(
      names = "--gocd-build-branch",
      paramLabel = "GOCD_BUILD_BRANCH",
      description = "The branch that GoCD should use to build images.")
  String buildBranch = GocdSettings.DEFAULT_BRANCH;

  @Option(
      names = "--gocd-config-only",
      description =
          "Write the GoCD config and exit without building any image (implies"
              + " --generate-gocd-config).")
  boolean configOnly;

  @Option(
      names = "--gocd-material-url",
      paramLabel = "URL",
      showDefaultValue = Visibility.NEVER,
      description =
          "The git URL that GoCD clones. Default: the URL of the remote 'origin' (else the only"
              + " remote) of the repository that holds the architecture file, without"
              + " credentials.")
  String materialUrl;

  @Option(
      names = "--gocd-material-username",
      paramLabel = "USER",
      showDefaultValue = Visibility.NEVER,
      description = "The user name GoCD clones with (written as it is). Default: none.")
  String materialUsername;

  @Option(
      names = "--gocd-material-password-secret",
      paramLabel = "CONFIG_ID:KEY",
      showDefaultValue = Visibility.NEVER,
      description =
          "The password or token GoCD clones with, as a reference to the secret KEY in the"
              + " GoCD secret config CONFIG_ID: {{SECRET:[CONFIG_ID][KEY]}}. Default: none.")
  String materialPasswordSecret;

  @Option(
      names = "--gocd-group",
      paramLabel = "NAME",
      description = "The pipeline group, also the environment that lists the pipelines.")
  String group = GocdSettings.DEFAULT_GROUP;

  @Option(
      names = "--gocd-template",
      paramLabel = "NAME",
      description = "The template each pipeline uses; it must exist on the GoCD server.")
  String template = GocdSettings.DEFAULT_TEMPLATE;

  @Option(
      names = "--gocd-inline-stages",
      description =
          "Give each pipeline its own stage that builds the image with this tool and keeps it as"
              + " an artifact, instead of naming --gocd-template.")
  boolean inlineStages;

  @Option(
      names = "--gocd-lock-behavior",
      paramLabel = "BEHAVIOR",
      description = "Each pipeline's lock_behavior: ${COMPLETION-CANDIDATES}.")
  LockBehavior lockBehavior = LockBehavior.none;

  /** What the GoCD writer is asked for. */
  GocdWriter.Options toWriterOptions() {
    return new GocdWriter.Options(
        Path.of(configName),
        materialUrl,
        buildBranch,
        group,
        template,
        inlineStages,
        lockBehavior,
        materialUsername,
        materialPasswordSecret);
  }
}
