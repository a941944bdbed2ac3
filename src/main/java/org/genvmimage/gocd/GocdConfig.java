package org.genvmimage.gocd;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.genvmimage.architecture.Architecture;
import org.genvmimage.architecture.ImageSpec;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.image.OutputPaths;
import org.genvmimage.process.Commands;

/**
 * The GoCD pipelines-as-code config for an architecture file, as the gocd-yaml-config-plugin reads
 * it ({@code format_version: 10}): one pipeline per image, all in one group and listed by one
 * environment. The result is a tree of ordered maps and lists, so the same input always gives the
 * same file.
 */
public final class GocdConfig {
  /** The plugin's format version that this config is written in. */
  public static final int FORMAT_VERSION = 10;

  /** The folder in which the template is expected to publish the images. */
  public static final String PUSH_DIRECTORY = "publish-images";

  /** The name of the stage and the job with {@code --gocd-inline-stages}. */
  public static final String STAGE = "build";

  public static final String JOB = "build-image";

  /**
   * The {@code --image-output-path} that the pipelines build with: the default, so an image lands
   * where the output path rule puts it ({@code generated-images/image.qcow2} for a file with one
   * image, {@code generated-images/<key>.qcow2} for several) inside the checkout.
   */
  public static final String OUTPUT = OutputPaths.DEFAULT;

  private GocdConfig() {}

  /**
   * The config for these images of the architecture (all when {@code keys} is empty), in the order
   * of the file.
   */
  public static Map<String, Object> build(
      Architecture architecture, List<String> keys, GocdSettings settings) {
    // the pipelines build in a fresh checkout: what is on this disk must not change the config
    Map<String, Path> outputs = OutputPaths.plan(architecture, keys, Path.of(OUTPUT), false);
    String material = MaterialUrls.materialName(settings.materialUrl());

    Map<String, Object> pipelines = new LinkedHashMap<>();
    int order = 1;
    for (ImageSpec image : architecture.images().values()) {
      if (outputs.containsKey(image.key())) {
        checkInsideCheckout(architecture, image, outputs.get(image.key()));
        pipelines.put(
            image.key(), pipeline(image, order++, outputs.get(image.key()), material, settings));
      }
    }

    Map<String, Object> environment = new LinkedHashMap<>();
    environment.put("pipelines", new ArrayList<>(pipelines.keySet()));
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format_version", FORMAT_VERSION);
    root.put("environments", Map.of(settings.group(), environment));
    root.put("pipelines", pipelines);
    return root;
  }

  /**
   * An agent builds in a fresh checkout and uploads the image as an artifact, whose path GoCD takes
   * relative to that checkout: an image's own {@code output.path} must stay inside it.
   */
  private static void checkInsideCheckout(Architecture architecture, ImageSpec image, Path output) {
    Path normal = output.normalize();
    if (normal.isAbsolute() || normal.startsWith("..")) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT,
          architecture.file()
              + ": images."
              + image.key()
              + ".output.path '"
              + output
              + "' is outside the checkout a GoCD agent builds in (its artifacts are paths"
              + " relative to it): give a relative path inside the repository for a GoCD"
              + " config");
    }
  }

  /** The gen-vm-image arguments that build exactly this image, from the repository's top. */
  public static List<String> buildArguments(String key, GocdSettings settings) {
    List<String> args = new ArrayList<>();
    args.add("--architecture-path");
    args.add(settings.architecturePath());
    args.add("--image");
    args.add(key);
    return args;
  }

  private static Map<String, Object> pipeline(
      ImageSpec image, int order, Path output, String material, GocdSettings settings) {
    Map<String, Object> p = new LinkedHashMap<>();
    p.put("group", settings.group());
    p.put("label_template", "${COUNT}");
    p.put("lock_behavior", settings.lockBehavior().name());
    p.put("display_order", order);
    p.put("materials", Map.of(material, material(material, settings)));

    List<String> args = buildArguments(image.key(), settings);
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("IMAGE", image.name());
    params.put("IMAGE_PIPELINE", image.key());
    params.put("DEFAULT_TAG", image.version() == null ? "" : image.version());
    params.put("SRC_DIRECTORY", material);
    params.put("TEST_DIRECTORY", material);
    params.put("PUSH_DIRECTORY", PUSH_DIRECTORY);
    params.put("COMMIT_TAG", MaterialUrls.revisionVariable(material));
    params.put("ARGS", Commands.display(args));
    p.put("parameters", params);

    if (settings.inlineStages()) {
      p.put("stages", List.of(Map.of(STAGE, stage(material, args, output))));
    } else {
      p.put("template", settings.template());
    }
    return p;
  }

  private static Map<String, Object> material(String name, GocdSettings settings) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("git", settings.materialUrl());
    m.put("branch", settings.branch());
    m.put("destination", name);
    if (settings.materialUsername() != null) {
      m.put("username", settings.materialUsername());
    }
    if (settings.materialPassword() != null) {
      m.put("password", settings.materialPassword().reference());
    }
    return m;
  }

  private static Map<String, Object> stage(String folder, List<String> args, Path output) {
    // sh runs the launcher from the checkout, whatever the agent's rules for a command's path
    List<String> build = new ArrayList<>();
    build.add("bin/gen-vm-image");
    build.addAll(args);
    build.add("--overwrite");
    List<Object> tasks = List.of(exec("make", List.of("jar"), folder), exec("sh", build, folder));

    Map<String, Object> artifact = new LinkedHashMap<>();
    // relative to the checkout (checkInsideCheckout)
    artifact.put("source", folder + "/" + slashes(output.normalize()));
    Path parent = output.normalize().getParent();
    if (parent != null) {
      artifact.put("destination", slashes(parent));
    }

    Map<String, Object> job = new LinkedHashMap<>();
    job.put("tasks", tasks);
    job.put("artifacts", List.of(Map.of("build", artifact)));
    Map<String, Object> stage = new LinkedHashMap<>();
    stage.put("jobs", Map.of(JOB, job));
    return stage;
  }

  private static Map<String, Object> exec(String command, List<String> arguments, String dir) {
    Map<String, Object> exec = new LinkedHashMap<>();
    exec.put("command", command);
    exec.put("arguments", List.copyOf(arguments));
    exec.put("working_directory", dir);
    return Map.of("exec", exec);
  }

  /** A relative path with {@code /} between its parts, whatever the platform. */
  static String slashes(Path path) {
    List<String> parts = new ArrayList<>();
    path.forEach(part -> parts.add(part.toString()));
    return String.join("/", parts);
  }
}
