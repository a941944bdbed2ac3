package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import org.genvmimage.cli.CliRun.Result;
import org.genvmimage.core.ExitCode;
import org.genvmimage.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile and broken input files through the commands: one line on stderr, {@code command: error:
 * FILE:LINE:COL: what is wrong}, exit code 3, nothing on stdout, no stack trace.
 */
@Timeout(60)
class InputFileLimitsTest {
  static final String DEPTH =
      "more than 100 lists and mappings nested in each other (a limit against files made to"
          + " exhaust the reader); flatten the structure";
  static final String ALIASES =
      "more than 50 aliases to lists and mappings (a limit against 'billion laughs' files); write"
          + " the repeated values out";

  @TempDir Path dir;

  static String depthBomb() {
    return "owner: acme\nimages:\n  rocky: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n";
  }

  static String aliasBomb() {
    StringBuilder yaml = new StringBuilder("x0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int level = 1; level <= 12; level++) {
      String previous = "*a" + (level - 1);
      yaml.append("x").append(level).append(": &a").append(level).append(" [");
      yaml.append(String.join(", ", Collections.nCopies(10, previous))).append("]\n");
    }
    return yaml.append("owner: *a12\n").toString();
  }

  Result genVmImage(String yaml) throws IOException {
    Path file = Files.writeString(dir.resolve("architecture.yml"), yaml);
    return CliRun.gen(
        "--architecture-path",
        file.toString(),
        "--cache-dir",
        dir.resolve("cache").toString(),
        "--dry-run");
  }

  Result configureVmImage(String userData) throws IOException {
    Path image = dir.resolve("image.qcow2");
    TestImages.run("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "64M");
    Path user = Files.writeString(dir.resolve("user-data"), userData);
    Path meta = Files.writeString(dir.resolve("meta-data"), "instance-id: a\n");
    Path vendor = Files.writeString(dir.resolve("vendor-data"), "#cloud-config\n{}\n");
    return CliRun.configure(
        "--dry-run",
        "--image-input-path",
        image.toString(),
        "--config-user-data-path",
        user.toString(),
        "--config-meta-data-path",
        meta.toString(),
        "--config-vendor-data-path",
        vendor.toString(),
        "--network",
        "none");
  }

  @Test
  void aDepthBombIsOneLineAndExitCode3() throws IOException {
    Result r = genVmImage(depthBomb());
    assertThat(r.err())
        .isEqualTo(
            "gen-vm-image: error: " + dir.resolve("architecture.yml") + ":3:108: " + DEPTH + "\n");
    assertThat(r.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(r.out()).isEmpty();
  }

  @Test
  void anAliasBombIsOneLineAndExitCode3() throws IOException {
    Result r = assertTimeoutPreemptively(Duration.ofSeconds(20), () -> genVmImage(aliasBomb()));
    assertThat(r.err())
        .isEqualTo(
            "gen-vm-image: error: " + dir.resolve("architecture.yml") + ":7:10: " + ALIASES + "\n");
    assertThat(r.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(r.out()).isEmpty();
  }

  @Test
  void anIndentationMistakeSaysWhatToDo() throws IOException {
    Result r = genVmImage("owner: acme\nimages:\n  rocky:\n    name: Rocky\n     version: 9\n");
    assertThat(r.err())
        .isEqualTo(
            "gen-vm-image: error: "
                + dir.resolve("architecture.yml")
                + ":5:13: mapping values are not allowed here; check the indentation of this line"
                + " and the line above (the keys of one mapping start in the same column, and"
                + " each ':' is followed by a space)\n");
    assertThat(r.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
  }

  @Test
  void aDirectoryAsTheArchitectureFileIsOneLine() throws IOException {
    Path folder = Files.createDirectories(dir.resolve("folder"));
    StringWriter e = new StringWriter();
    int code =
        GenVmImageCommand.run(
            new PrintWriter(new StringWriter()),
            new PrintWriter(e),
            "--architecture-path",
            folder.toString(),
            "--dry-run");
    assertThat(e.toString())
        .isEqualTo(
            "gen-vm-image: error: " + folder + ":1:1: is a directory (expected a YAML file)\n");
    assertThat(code).isEqualTo(ExitCode.INVALID_INPUT.code());
  }

  @Test
  void aDepthBombInUserDataIsOneLineAndExitCode3() throws IOException {
    Result r =
        configureVmImage("#cloud-config\nusers: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n");
    assertThat(r.err())
        .isEqualTo(
            "configure-vm-image: error: " + dir.resolve("user-data") + ":2:107: " + DEPTH + "\n");
    assertThat(r.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(r.out()).isEmpty();
  }

  @Test
  void anAliasBombInUserDataIsOneLineAndExitCode3() throws IOException {
    Result r = configureVmImage("#cloud-config\n" + aliasBomb());
    assertThat(r.err())
        .isEqualTo(
            "configure-vm-image: error: " + dir.resolve("user-data") + ":8:10: " + ALIASES + "\n");
    assertThat(r.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(r.out()).isEmpty();
  }
}
