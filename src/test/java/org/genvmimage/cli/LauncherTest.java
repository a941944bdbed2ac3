package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.genvmimage.cli.manual.CommandDocs;
import org.genvmimage.cli.manual.ManSections.Entry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The launcher script {@code bin/gen-vm-image}, which serves both commands ({@code
 * bin/configure-vm-image} is a link to it), run with a stand-in for java; and its default JVM
 * options, which the docs and the class-data archive script take from it.
 */
class LauncherTest {
  static final Path BIN = Path.of("bin").toAbsolutePath();

  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  @Test
  void configureVmImageIsALinkToTheOneLauncher() throws Exception {
    assertThat(Files.isSymbolicLink(BIN.resolve("configure-vm-image"))).isTrue();
    assertThat(Files.readSymbolicLink(BIN.resolve("configure-vm-image")))
        .isEqualTo(Path.of("gen-vm-image"));
  }

  @Test
  void eachNameRunsMainWithThatNameAndTheDefaultOptions() throws Exception {
    Path top = tree(true);
    for (String name : List.of("gen-vm-image", "configure-vm-image")) {
      Run r = run(top.resolve("bin/" + name), Map.of(), "--help", "two words");

      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.out().lines())
          .containsSubsequence(defaultOptions().split(" "))
          .containsSubsequence(
              "-Dgenvmimage.examples=" + top.resolve("examples"),
              "-cp",
              top.resolve("target/gen-vm-image.jar").toString(),
              "org.genvmimage.cli.Main",
              name,
              "--help",
              "two words");
    }
  }

  @Test
  void anotherNameForTheScriptRunsGenVmImage() throws Exception {
    Path top = tree(true);
    Files.createSymbolicLink(top.resolve("bin/gvi"), Path.of("gen-vm-image"));

    Run r = run(top.resolve("bin/gvi"), Map.of());

    assertThat(r.out().lines()).containsSubsequence("org.genvmimage.cli.Main", "gen-vm-image");
  }

  @Test
  void javaOptionsFromTheEnvironmentReplaceTheDefaults() throws Exception {
    Path top = tree(true);

    Run r =
        run(
            top.resolve("bin/configure-vm-image"),
            Map.of("GEN_VM_IMAGE_JAVA_OPTS", "-Xmx1g -Dx=y"));

    assertThat(r.out().lines()).startsWith("-Xmx1g", "-Dx=y").doesNotContain("-XX:+UseSerialGC");
  }

  @Test
  void aMissingJarIsNamedByTheCommandThatWasCalled() throws Exception {
    Path top = tree(false);
    for (String name : List.of("gen-vm-image", "configure-vm-image")) {
      Run r = run(top.resolve("bin/" + name), Map.of());

      assertThat(r.exit()).isEqualTo(1);
      assertThat(r.err())
          .isEqualTo(name + ": the jar is missing; run 'make jar' (or 'mvn package') first\n");
    }
  }

  @Test
  void theDocsShowTheLaunchersDefaultOptions() throws Exception {
    String options = defaultOptions();
    assertThat(options).contains("-Xmx");

    Entry entry =
        CommandDocs.forCommand("gen-vm-image").environment().stream()
            .filter(e -> e.term().equals("GEN_VM_IMAGE_JAVA_OPTS"))
            .findFirst()
            .orElseThrow();
    assertThat(entry.text()).contains("(default: " + options + ")");
    assertThat(Files.readString(Path.of("docs", "gen-vm-image.rst")))
        .contains("(default: ``" + options + "``)");
    assertThat(Files.readString(Path.of("src/cds/make-archive.sh")))
        .as("make-archive.sh reads the options from the launcher")
        .doesNotContain("-Xmx");
  }

  /** The value of the launcher's {@code default_java_opts="..."} line. */
  static String defaultOptions() throws Exception {
    Matcher m =
        Pattern.compile("(?m)^default_java_opts=\"(.*)\"$")
            .matcher(Files.readString(BIN.resolve("gen-vm-image")));
    assertThat(m.find()).as("a default_java_opts line in bin/gen-vm-image").isTrue();
    return m.group(1);
  }

  /** A copy of bin/ beside an empty jar (or none), and a java that prints its arguments. */
  private Path tree(boolean withJar) throws Exception {
    Path top = Files.createDirectories(dir.resolve("top"));
    Files.createDirectories(top.resolve("bin"));
    Files.copy(BIN.resolve("gen-vm-image"), top.resolve("bin/gen-vm-image"));
    Files.createSymbolicLink(top.resolve("bin/configure-vm-image"), Path.of("gen-vm-image"));
    if (withJar) {
      Files.createDirectories(top.resolve("target"));
      Files.createFile(top.resolve("target/gen-vm-image.jar"));
    }
    Path java = top.resolve("java");
    Files.writeString(java, "#!/bin/sh\nprintf '%s\\n' \"$@\"\n");
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    return top;
  }

  /** Runs a launcher with JAVA set to the stand-in, and the variables in {@code env}. */
  private Run run(Path launcher, Map<String, String> env, String... args) throws Exception {
    ProcessBuilder pb = new ProcessBuilder(launcher.toString());
    pb.command().addAll(List.of(args));
    pb.environment().remove("GEN_VM_IMAGE_JAVA_OPTS");
    pb.environment().put("JAVA", dir.resolve("top/java").toString());
    pb.environment().putAll(env);
    Path out = dir.resolve("out.txt");
    Path err = dir.resolve("err.txt");
    Process p = pb.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Run(
        p.exitValue(),
        Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
