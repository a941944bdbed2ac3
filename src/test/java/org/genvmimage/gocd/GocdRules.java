package org.genvmimage.gocd;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The rules of the gocd-yaml-config-plugin (format_version 10) that a generated config must keep,
 * checked on the parsed YAML.
 */
final class GocdRules {
  static final Set<String> ROOT_KEYS =
      Set.of("format_version", "environments", "pipelines", "common");
  static final Set<String> LOCK_BEHAVIORS = Set.of("lockOnFailure", "unlockWhenFinished", "none");
  static final Set<String> PIPELINE_KEYS =
      Set.of(
          "group",
          "label_template",
          "lock_behavior",
          "display_order",
          "materials",
          "parameters",
          "template",
          "stages",
          "environment_variables",
          "tracking_tool",
          "timer");
  static final Set<String> GIT_MATERIAL_KEYS =
      Set.of(
          "git",
          "branch",
          "destination",
          "username",
          "password",
          "encrypted_password",
          "shallow_clone",
          "auto_update",
          "blacklist",
          "whitelist",
          "invert_filter",
          "name");
  static final Set<String> PARAMETERS =
      Set.of(
          "IMAGE",
          "IMAGE_PIPELINE",
          "DEFAULT_TAG",
          "SRC_DIRECTORY",
          "TEST_DIRECTORY",
          "PUSH_DIRECTORY",
          "COMMIT_TAG",
          "ARGS");
  static final String NAME = "[A-Za-z0-9_-][A-Za-z0-9_.-]*";

  private GocdRules() {}

  /** Parses YAML as the plugin would: a plain scalar that looks like a number is a number. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> parse(String yaml) {
    return (Map<String, Object>) new Load(LoadSettings.builder().build()).loadFromString(yaml);
  }

  /**
   * Checks the config against the plugin's rules and that it has one pipeline per key, with inline
   * stages or a template.
   */
  @SuppressWarnings("unchecked")
  static void check(Map<String, Object> root, List<String> keys, boolean inline) {
    assertThat(ROOT_KEYS).containsAll(root.keySet());
    assertThat(root.get("format_version")).isEqualTo(10);

    Map<String, Object> pipelines = (Map<String, Object>) root.get("pipelines");
    assertThat(pipelines.keySet()).containsExactlyElementsOf(keys);
    Map<String, Object> environments = (Map<String, Object>) root.get("environments");
    assertThat(environments).hasSize(1);
    for (Object env : environments.values()) {
      assertThat((List<Object>) ((Map<String, Object>) env).get("pipelines"))
          .containsExactlyElementsOf(keys);
    }

    for (var entry : pipelines.entrySet()) {
      assertThat(entry.getKey()).matches(NAME);
      Map<String, Object> p = (Map<String, Object>) entry.getValue();
      assertThat(PIPELINE_KEYS).containsAll(p.keySet());
      assertThat(p.get("group")).isInstanceOf(String.class);
      assertThat((String) p.get("group")).matches(NAME);
      assertThat(p.get("label_template")).isEqualTo("${COUNT}");
      assertThat(LOCK_BEHAVIORS).contains((String) p.get("lock_behavior"));
      assertThat(p.get("display_order")).isInstanceOf(Integer.class);
      assertThat(p).doesNotContainKey("lock_behaviour");
      assertThat(p.containsKey("template") ^ p.containsKey("stages"))
          .as("template xor stages")
          .isTrue();
      assertThat(p.containsKey("stages")).isEqualTo(inline);

      Map<String, Object> materials = (Map<String, Object>) p.get("materials");
      assertThat(materials).hasSize(1);
      for (Object m : materials.values()) {
        Map<String, Object> material = (Map<String, Object>) m;
        assertThat(GIT_MATERIAL_KEYS).containsAll(material.keySet());
        assertThat(material.get("git")).isInstanceOf(String.class);
        assertThat(material.get("branch")).isInstanceOf(String.class);
        assertThat(material.get("destination")).isInstanceOf(String.class);
        if (material.containsKey("password")) {
          assertThat((String) material.get("password"))
              .matches("\\{\\{SECRET:\\[[^]]+]\\[[^]]+]}}");
        }
      }

      Map<String, Object> params = (Map<String, Object>) p.get("parameters");
      assertThat(params.keySet()).containsExactlyInAnyOrderElementsOf(PARAMETERS);
      params.values().forEach(v -> assertThat(v).isInstanceOf(String.class));
      assertThat(params.get("IMAGE_PIPELINE")).isEqualTo(entry.getKey());
      assertThat((String) params.get("ARGS"))
          .startsWith("--architecture-path ")
          .contains(" --image " + entry.getKey());

      if (inline) {
        List<Object> stages = (List<Object>) p.get("stages");
        assertThat(stages).hasSize(1);
        Map<String, Object> stage =
            (Map<String, Object>) ((Map<String, Object>) stages.get(0)).get("build");
        Map<String, Object> jobs = (Map<String, Object>) stage.get("jobs");
        Map<String, Object> job = (Map<String, Object>) jobs.get("build-image");
        assertThat(job).containsKeys("tasks", "artifacts");
        List<Object> tasks = (List<Object>) job.get("tasks");
        for (Object t : tasks) {
          Map<String, Object> exec = (Map<String, Object>) ((Map<String, Object>) t).get("exec");
          assertThat(exec.get("command")).isInstanceOf(String.class);
          ((List<Object>) exec.get("arguments"))
              .forEach(a -> assertThat(a).isInstanceOf(String.class));
        }
        List<Object> artifacts = (List<Object>) job.get("artifacts");
        Map<String, Object> build =
            (Map<String, Object>) ((Map<String, Object>) artifacts.get(0)).get("build");
        assertThat((String) build.get("source")).endsWith(".qcow2");
      } else {
        assertThat((String) p.get("template")).matches(NAME);
      }
    }
  }
}
