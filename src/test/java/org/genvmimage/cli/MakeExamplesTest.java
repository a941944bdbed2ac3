package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.genvmimage.architecture.ArchitectureLoader;
import org.genvmimage.download.TestHttpServer;
import org.genvmimage.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The {@code make BUILD_ARGS=... CONFIGURE_ARGS=...} examples of the README and the Makefile, and
 * plain {@code make}, run as written: gen-vm-image with the BUILD_ARGS, then configure-vm-image
 * --dry-run with the CONFIGURE_ARGS finds the image, each in a process whose working folder holds
 * the example's files. The base image comes from a loopback server instead of the internet (the
 * architecture file is swapped for one with as many images as the example's).
 */
class MakeExamplesTest {
  private static final Pattern BUILD = Pattern.compile("BUILD_ARGS=\"([^\"]*)\"");
  private static final Pattern CONFIGURE = Pattern.compile("CONFIGURE_ARGS=\"([^\"]*)\"");

  @TempDir Path dir;
  TestHttpServer server;
  Path work;
  Path local;

  record Example(String where, List<String> build, List<String> configure) {}

  @BeforeEach
  void setUp() throws IOException {
    server = TestHttpServer.start();
    Path qcow = TestImages.qcow2(dir, "base.qcow2", 1 << 20, 31, "1.1");
    byte[] bytes = Files.readAllBytes(qcow);
    server.serve("/base.qcow2", bytes);
    local = dir.resolve("local-architecture.yml");
    Files.writeString(
        local,
        "owner: t\nimages:\n  one:\n    name: one\n    version: 1\n    get_url: "
            + server.uri("/base.qcow2")
            + "\n    checksum:\n      type: sha256\n      value: "
            + TestHttpServer.sha256(bytes)
            + "\n    size: 8M\n");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void theExamplesOfTheReadmeAndTheMakefileRunAsWritten() throws Exception {
    List<Example> examples = new ArrayList<>();
    examples.add(example("make with the defaults", "", ""));
    examples.addAll(examples("README.rst"));
    examples.addAll(examples("Makefile"));
    examples.add(
        example(
            "the original tool's README",
            "--architecture-path examples/architecture.yml",
            "--image-input-path output-images/image.qcow2"));
    examples.add(example("a folder as the build output", "--image-output-path built/", ""));
    examples.add(example("the current folder as the build output", "--image-output-path .", ""));
    assertThat(examples).hasSizeGreaterThan(3);
    // the swap below keeps the example's meaning only for a file with one image
    assertThat(ArchitectureLoader.load(Path.of("examples", "architecture.yml")).images())
        .hasSize(1);

    int n = 0;
    for (Example example : examples) {
      work = Files.createDirectories(dir.resolve("work-" + n++));
      copyTree(Path.of("cloud-init-config"), work.resolve("cloud-init-config"));
      List<String> build = new ArrayList<>(example.build());
      int at = build.indexOf("--architecture-path");
      if (at >= 0) {
        build.set(at + 1, local.toString());
      } else {
        Files.copy(local, work.resolve("architecture.yml"));
      }
      build.addAll(List.of("--cache-dir", dir.resolve("cache").toString()));
      String built = run(GenVmImageCommand.class, build);
      assertThat(built).as(example + ": " + built).startsWith("0\n");

      List<String> configure = new ArrayList<>(example.configure());
      configure.addAll(List.of("--dry-run", "--network", "none", "--no-reset"));
      String planned = run(ConfigureVmImageCommand.class, configure);
      assertThat(planned).as(example + ": " + planned).startsWith("0\n").contains("image:");
    }
  }

  /** The BUILD_ARGS and CONFIGURE_ARGS pairs of a file, in order. */
  private static List<Example> examples(String file) throws Exception {
    String text = Files.readString(Path.of(file));
    Matcher build = BUILD.matcher(text);
    Matcher configure = CONFIGURE.matcher(text);
    List<Example> found = new ArrayList<>();
    while (build.find()) {
      assertThat(configure.find(build.end()))
          .as(file + ": CONFIGURE_ARGS after BUILD_ARGS")
          .isTrue();
      found.add(example(file + ": " + build.group(0), build.group(1), configure.group(1)));
    }
    return found;
  }

  /**
   * The arguments that make itself passes to the two commands for these BUILD_ARGS and
   * CONFIGURE_ARGS (from {@code make -n}, so the Makefile's own rules are what is tested).
   */
  private static Example example(String where, String buildArgs, String configureArgs)
      throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                "make",
                "-n",
                "build",
                "configure",
                "BUILD_ARGS=" + buildArgs,
                "CONFIGURE_ARGS=" + configureArgs)
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    List<String> build = null;
    List<String> configure = null;
    for (String line : out.split("\n")) {
      if (line.startsWith("bin/gen-vm-image ")) {
        build = words(line.substring("bin/gen-vm-image ".length()));
      } else if (line.startsWith("bin/configure-vm-image ")) {
        configure = words(line.substring("bin/configure-vm-image ".length()));
      }
    }
    assertThat(build).as(where + ": make -n printed\n" + out).isNotNull();
    assertThat(configure).as(where + ": make -n printed\n" + out).isNotNull();
    return new Example(where, build, configure);
  }

  /** Shell words of a recipe line: split on blanks, single quotes kept together and removed. */
  private static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    Matcher m = Pattern.compile("'([^']*)'|(\\S+)").matcher(line);
    while (m.find()) {
      words.add(m.group(1) != null ? m.group(1) : m.group(2));
    }
    return words;
  }

  /** Exit code, a newline, then the output; the process runs in {@link #work}. */
  private String run(Class<?> main, List<String> args) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        new ArrayList<>(
            List.of(java, "-cp", System.getProperty("java.class.path"), main.getName()));
    command.addAll(args);
    Path log = dir.resolve("output.txt");
    Process p =
        new ProcessBuilder(command)
            .directory(work.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
    return p.exitValue() + "\n" + Files.readString(log);
  }

  private static void copyTree(Path from, Path to) throws IOException {
    Files.createDirectories(to);
    try (var files = Files.list(from)) {
      for (Path f : files.toList()) {
        Files.copy(f, to.resolve(f.getFileName()));
      }
    }
  }
}
