package org.genvmimage.gocd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.genvmimage.architecture.Architecture;
import org.genvmimage.architecture.ArchitectureLoader;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The generated config: the plugin's rules, the exact bytes, and the settings' checks. */
class GocdConfigTest {
  static final Path RESOURCES = Path.of("src", "test", "resources", "gocd");
  static final String URL = "https://github.com/example/vm-images.git";

  @TempDir Path dir;

  static Architecture one() {
    return ArchitectureLoader.load(RESOURCES.resolve("architecture-one.yml"));
  }

  static Architecture many() {
    return ArchitectureLoader.load(RESOURCES.resolve("architecture-many.yml"));
  }

  static GocdSettings settings(boolean inline) {
    return new GocdSettings(
        URL,
        "main",
        GocdSettings.DEFAULT_GROUP,
        GocdSettings.DEFAULT_TEMPLATE,
        inline,
        LockBehavior.none,
        null,
        null,
        "examples/architecture.yml");
  }

  static GocdSettings withCredentials(boolean inline) {
    GocdSettings s = settings(inline);
    return new GocdSettings(
        s.materialUrl(),
        "release",
        "images",
        "build-vm-image",
        inline,
        LockBehavior.unlockWhenFinished,
        "ci-bot",
        SecretRef.parse("github:access_token"),
        s.architecturePath());
  }

  static String render(Architecture a, GocdSettings s) {
    return GocdYaml.render(GocdConfig.build(a, List.of(), s));
  }

  @ParameterizedTest
  @CsvSource({"false", "true"})
  void oneImageFollowsThePluginRules(boolean inline) {
    Map<String, Object> root = GocdRules.parse(render(one(), settings(inline)));
    GocdRules.check(root, List.of("debian-12"), inline);
  }

  @ParameterizedTest
  @CsvSource({"false", "true"})
  void severalImagesFollowThePluginRules(boolean inline) {
    Map<String, Object> root = GocdRules.parse(render(many(), withCredentials(inline)));
    GocdRules.check(root, List.of("debian-12", "ubuntu-24.04", "2024"), inline);
  }

  @Test
  @SuppressWarnings("unchecked")
  void parametersCarryTheImageAndItsBuildArguments() {
    Map<String, Object> root = GocdRules.parse(render(many(), settings(false)));
    Map<String, Object> pipelines = (Map<String, Object>) root.get("pipelines");
    Map<String, Object> ubuntu = (Map<String, Object>) pipelines.get("ubuntu-24.04");
    assertThat((Map<String, Object>) ubuntu.get("parameters"))
        .containsExactly(
            Map.entry("IMAGE", "ubuntu"),
            Map.entry("IMAGE_PIPELINE", "ubuntu-24.04"),
            Map.entry("DEFAULT_TAG", "24.04"),
            Map.entry("SRC_DIRECTORY", "vm-images"),
            Map.entry("TEST_DIRECTORY", "vm-images"),
            Map.entry("PUSH_DIRECTORY", "publish-images"),
            Map.entry("COMMIT_TAG", "GO_REVISION_VM_IMAGES"),
            Map.entry(
                "ARGS", "--architecture-path examples/architecture.yml --image ubuntu-24.04"));
    assertThat(ubuntu.get("template")).isEqualTo("bare_metal_vm_image");
    assertThat(ubuntu.get("display_order")).isEqualTo(2);
    // strings that YAML would read as numbers, booleans or other keys stay strings
    Map<String, Object> odd = (Map<String, Object>) pipelines.get("2024");
    assertThat((Map<String, Object>) odd.get("parameters"))
        .containsEntry("IMAGE", "yes")
        .containsEntry("DEFAULT_TAG", "0x1F")
        .containsEntry("IMAGE_PIPELINE", "2024");
    Map<String, Object> env =
        (Map<String, Object>)
            ((Map<String, Object>) root.get("environments")).get("bare_metal_vm_image");
    assertThat((List<Object>) env.get("pipelines")).contains("2024");
  }

  @ParameterizedTest
  @CsvSource({"/srv/images/scratch.qcow2", "../elsewhere/scratch.qcow2"})
  void anImagesOwnOutputPathOutsideTheCheckoutIsRefusedForGocd(String path) throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("architecture.yml"),
            "owner: o\nimages:\n  scratch:\n    name: scratch\n    size: 1G\n"
                + "    output: {path: "
                + path
                + "}\n");
    Architecture architecture = ArchitectureLoader.load(file);
    assertThatThrownBy(() -> render(architecture, settings(true)))
        .isInstanceOf(GenVmException.class)
        .hasMessageContaining("images.scratch.output.path '" + path + "' is outside the checkout")
        .satisfies(
            e ->
                assertThat(((GenVmException) e).exitCode())
                    .isEqualTo(ExitCode.INVALID_INPUT.code()));
  }

  @Test
  @SuppressWarnings("unchecked")
  void anImagesOwnOutputPathIsItsArtifactAndAVersionLeftOutIsAnEmptyTag() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("architecture.yml"),
            "owner: o\nimages:\n  scratch:\n    name: scratch\n    size: 1G\n"
                + "    output: {path: disks/scratch-disk.qcow2}\n"
                + "  other: {name: other, size: 1G}\n");
    Map<String, Object> root =
        GocdRules.parse(render(ArchitectureLoader.load(file), settings(true)));
    Map<String, Object> pipelines = (Map<String, Object>) root.get("pipelines");
    Map<String, Object> scratch = (Map<String, Object>) pipelines.get("scratch");
    assertThat((Map<String, Object>) scratch.get("parameters")).containsEntry("DEFAULT_TAG", "");
    Map<String, Object> job =
        (Map<String, Object>)
            ((Map<String, Object>)
                    ((Map<String, Object>)
                            ((Map<String, Object>) ((List<Object>) scratch.get("stages")).get(0))
                                .get("build"))
                        .get("jobs"))
                .get("build-image");
    assertThat((List<Object>) job.get("artifacts"))
        .containsExactly(
            Map.of(
                "build",
                Map.of("source", "vm-images/disks/scratch-disk.qcow2", "destination", "disks")));
  }

  @Test
  @SuppressWarnings("unchecked")
  void inlineStagesBuildExactlyTheirImageAndKeepItAsAnArtifact() {
    Map<String, Object> root = GocdRules.parse(render(many(), settings(true)));
    Map<String, Object> p =
        (Map<String, Object>) ((Map<String, Object>) root.get("pipelines")).get("debian-12");
    Map<String, Object> job =
        (Map<String, Object>)
            ((Map<String, Object>)
                    ((Map<String, Object>)
                            ((Map<String, Object>) ((List<Object>) p.get("stages")).get(0))
                                .get("build"))
                        .get("jobs"))
                .get("build-image");
    List<Object> tasks = (List<Object>) job.get("tasks");
    assertThat(tasks)
        .containsExactly(
            Map.of(
                "exec",
                Map.of(
                    "command",
                    "make",
                    "arguments",
                    List.of("jar"),
                    "working_directory",
                    "vm-images")),
            Map.of(
                "exec",
                Map.of(
                    "command",
                    "sh",
                    "arguments",
                    List.of(
                        "bin/gen-vm-image",
                        "--architecture-path",
                        "examples/architecture.yml",
                        "--image",
                        "debian-12",
                        "--overwrite"),
                    "working_directory",
                    "vm-images")));
    assertThat((List<Object>) job.get("artifacts"))
        .containsExactly(
            Map.of(
                "build",
                Map.of(
                    "source",
                    "vm-images/generated-images/debian-12.qcow2",
                    "destination",
                    "generated-images")));
  }

  @Test
  @SuppressWarnings("unchecked")
  void oneImageIsBuiltToTheDefaultOutputPathAndArgumentsAreQuotedForAShell() {
    GocdSettings s = settings(true);
    GocdSettings custom =
        new GocdSettings(
            s.materialUrl(),
            s.branch(),
            s.group(),
            s.template(),
            true,
            s.lockBehavior(),
            null,
            null,
            "my images/arch.yml");
    String yaml = render(one(), custom);
    Map<String, Object> p =
        (Map<String, Object>)
            ((Map<String, Object>) GocdRules.parse(yaml).get("pipelines")).get("debian-12");
    assertThat(((Map<String, Object>) p.get("parameters")).get("ARGS"))
        .isEqualTo("--architecture-path 'my images/arch.yml' --image debian-12");
    assertThat(yaml)
        .contains("source: vm-images/generated-images/image.qcow2\n")
        .contains("- my images/arch.yml\n")
        .contains("destination: generated-images\n");
  }

  @Test
  void onlyTheSelectedImagesGetPipelines() {
    Map<String, Object> root =
        GocdRules.parse(
            GocdYaml.render(GocdConfig.build(many(), List.of("2024"), settings(false))));
    GocdRules.check(root, List.of("2024"), false);
  }

  @Test
  void theSameInputGivesTheSameBytes() {
    assertThat(render(many(), withCredentials(true)))
        .isEqualTo(render(many(), withCredentials(true)));
  }

  @Test
  void goldenOneImageWithTemplate() throws IOException {
    assertThat(render(one(), settings(false))).isEqualTo(golden("one-image-template.gocd.yml"));
  }

  @Test
  void goldenSeveralImagesInlineWithCredentials() throws IOException {
    assertThat(render(many(), withCredentials(true)))
        .isEqualTo(golden("many-images-inline.gocd.yml"));
  }

  @Test
  void credentialsAreOnlySecretReferencesAndQuoted() {
    String yaml = render(many(), withCredentials(false));
    assertThat(yaml)
        .contains("        username: ci-bot\n")
        .contains("        password: \"{{SECRET:[github][access_token]}}\"\n")
        .doesNotContain("lock_behaviour");
  }

  @Test
  void writesAtomicallyAndReplaces() throws IOException {
    Path file = dir.resolve("sub").resolve("1.gocd.yml");
    GocdYaml.write(file, "first\n");
    GocdYaml.write(file, "second\n");
    assertThat(Files.readString(file, UTF_8)).isEqualTo("second\n");
    try (var files = Files.list(file.getParent())) {
      assertThat(files).containsExactly(file);
    }
  }

  @Test
  void settingsRefuseWhatGocdWouldNot() {
    assertUsage(
        () ->
            new GocdSettings(
                "https://user:pw@github.com/x.git",
                "main",
                "g",
                "t",
                false,
                LockBehavior.none,
                null,
                null,
                "a.yml"),
        "must not hold credentials");
    assertUsage(
        () ->
            new GocdSettings(
                URL, "main", "my group", "t", false, LockBehavior.none, null, null, "a.yml"),
        "--gocd-group 'my group' is not a GoCD name");
    assertUsage(
        () ->
            new GocdSettings(
                URL, "main", "g", "t", false, LockBehavior.none, null, null, "../a.yml"),
        "not inside the repository");
  }

  @Test
  void secretReferences() {
    assertThat(SecretRef.parse("vault:path:to/key").reference())
        .isEqualTo("{{SECRET:[vault][path:to/key]}}");
    assertThatThrownBy(() -> SecretRef.parse("no-colon")).hasMessageContaining("CONFIG_ID:KEY");
    assertThatThrownBy(() -> SecretRef.parse("id:a]b")).hasMessageContaining("secret key");
    assertThatThrownBy(() -> SecretRef.parse(":key")).hasMessageContaining("config id");
  }

  static void assertUsage(Runnable action, String message) {
    assertThatThrownBy(action::run)
        .isInstanceOf(GenVmException.class)
        .hasMessageContaining(message)
        .satisfies(
            e -> assertThat(((GenVmException) e).exitCode()).isEqualTo(ExitCode.USAGE.code()));
  }

  static String golden(String name) throws IOException {
    return Files.readString(RESOURCES.resolve(name), UTF_8);
  }
}
