package org.genvmimage.gocd;

import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/**
 * How the GoCD config is made, besides the images themselves.
 *
 * @param materialUrl the URL that GoCD clones the repository from (no credentials in it)
 * @param branch the branch that GoCD builds
 * @param group the pipeline group, also the name of the environment that lists the pipelines
 * @param template the template that each pipeline names (not written with inline stages)
 * @param inlineStages whether each pipeline carries its own stage instead of naming a template
 * @param lockBehavior each pipeline's {@code lock_behavior}
 * @param materialUsername the user name for the material, or null
 * @param materialPassword the secret that holds the material's password or token, or null
 * @param architecturePath the architecture file's path inside the repository, with {@code /}
 */
public record GocdSettings(
    String materialUrl,
    String branch,
    String group,
    String template,
    boolean inlineStages,
    LockBehavior lockBehavior,
    String materialUsername,
    SecretRef materialPassword,
    String architecturePath) {
  /** The seed's group and template name. */
  public static final String DEFAULT_GROUP = "bare_metal_vm_image";

  public static final String DEFAULT_TEMPLATE = "bare_metal_vm_image";
  public static final String DEFAULT_BRANCH = "main";
  public static final String DEFAULT_CONFIG_NAME = "1.gocd.yml";

  /** What GoCD accepts as the name of a group, template or environment. */
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_-][A-Za-z0-9_.-]{0,254}");

  public GocdSettings {
    Objects.requireNonNull(lockBehavior, "lockBehavior");
    if (materialUrl == null || materialUrl.isBlank() || materialUrl.matches(".*\\s.*")) {
      throw usage("--gocd-material-url '" + materialUrl + "' is not a URL");
    }
    if (MaterialUrls.clean(materialUrl).changed()) {
      throw usage(
          "--gocd-material-url must not hold credentials; use --gocd-material-username and"
              + " --gocd-material-password-secret CONFIG_ID:KEY");
    }
    if (branch == null || branch.isBlank() || branch.matches(".*[\\s~^:?*\\[\\\\].*")) {
      throw usage("--gocd-build-branch '" + branch + "' is not a git branch name");
    }
    name("--gocd-group", group);
    name("--gocd-template", template);
    if (materialUsername != null
        && (materialUsername.isEmpty() || materialUsername.matches(".*[\\s{}].*"))) {
      throw usage(
          "--gocd-material-username '"
              + materialUsername
              + "' is not a user name (GoCD takes it literally: no spaces, no braces)");
    }
    if (architecturePath == null
        || architecturePath.isEmpty()
        || architecturePath.startsWith("/")
        || Path.of(architecturePath).normalize().startsWith("..")) {
      throw usage("the architecture file '" + architecturePath + "' is not inside the repository");
    }
  }

  private static void name(String option, String value) {
    if (value == null || !NAME.matcher(value).matches()) {
      throw usage(
          option
              + " '"
              + value
              + "' is not a GoCD name (letters, digits, '_', '-' and '.', not starting with"
              + " '.', at most 255)");
    }
  }

  private static GenVmException usage(String message) {
    return new GenVmException(ExitCode.USAGE, message);
  }
}
