package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.genvmimage.core.ExitCode;
import org.genvmimage.download.TestHttpServer;
import org.genvmimage.qemu.RealQemuImg;
import org.genvmimage.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gen-vm-image as a real process: Ctrl-C (SIGINT) ends with exit 130 and nothing half-written, and
 * a missing qemu-img is named with the package to install.
 */
class GenVmImageProcessTest {
  @TempDir Path dir;
  TestHttpServer server;
  Path cache;
  Path out;

  @BeforeEach
  void start() {
    server = TestHttpServer.start();
    cache = dir.resolve("cache");
    out = dir.resolve("out");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void ctrlCDuringDownloadKeepsOnlyTheResumablePart() throws Exception {
    Path qcow = TestImages.qcow2(dir, "base.qcow2", 4 << 20, 11, "1.1");
    byte[] bytes = Files.readAllBytes(qcow);
    server.serve("/base.qcow2", bytes).throttle(32 * 1024, Duration.ofMillis(100));
    Path arch = architecture(TestHttpServer.sha256(bytes));

    Process p = start(arch, Map.of());
    waitFor(() -> partBytes() > 0, p);
    signal(p, "INT");

    assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("exits promptly").isTrue();
    assertThat(p.exitValue()).as(output(p)).isEqualTo(ExitCode.INTERRUPTED.code());
    assertThat(out).as("the output folder that the run created").doesNotExist();
    assertThat(TestImages.listFiles(cache))
        .allMatch(f -> f.contains(".part") || f.endsWith(".json") || f.equals(".lock"));
  }

  @Test
  void aResumedDownloadIsAnnouncedOnce() throws Exception {
    Path qcow = TestImages.qcow2(dir, "base.qcow2", 4 << 20, 13, "1.1");
    byte[] bytes = Files.readAllBytes(qcow);
    server.serve("/base.qcow2", bytes).throttle(32 * 1024, Duration.ofMillis(100));
    Path arch = architecture(TestHttpServer.sha256(bytes));
    Process first = start(arch, Map.of());
    waitFor(() -> partBytes() > 0, first);
    signal(first, "INT");
    assertThat(first.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(partBytes()).isPositive();

    server.serve("/base.qcow2", bytes);
    Process again = start(arch, Map.of());
    assertThat(again.waitFor(60, TimeUnit.SECONDS)).as(output(again)).isTrue();
    assertThat(again.exitValue()).as(output(again)).isZero();
    assertThat(output(again).lines().filter(l -> l.contains("resum")).toList())
        .as(output(again))
        .singleElement()
        .satisfies(
            l ->
                assertThat(l)
                    .startsWith("one: downloading " + server.uri("/base.qcow2"))
                    .contains(", resuming at "));
  }

  @Test
  void ctrlCDuringConversionKillsQemuImgAndRemovesTheTemporaryImage() throws Exception {
    // compat 0.10 needs qemu-img convert (a qcow2 v3 file would just be copied)
    Path qcow = TestImages.qcow2(dir, "base.qcow2", 1 << 20, 12, "0.10");
    byte[] bytes = Files.readAllBytes(qcow);
    server.serve("/base.qcow2", bytes);
    Path arch = architecture(TestHttpServer.sha256(bytes));
    Path marker = dir.resolve("converting");
    String sleepArg = "987.654";
    Path wrapper = dir.resolve("qemu-img-wrapper");
    Files.writeString(
        wrapper,
        "#!/bin/sh\nif [ \"$1\" = convert ]; then touch '"
            + marker
            + "'; exec sleep "
            + sleepArg
            + "; fi\nexec qemu-img \"$@\"\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));

    Process p = start(arch, Map.of("GEN_VM_IMAGE_QEMU_IMG", wrapper.toString()));
    waitFor(() -> Files.exists(marker), p);
    assertThat(TestImages.listFiles(out))
        .as("the temporary image exists while converting")
        .hasSize(1);
    signal(p, "INT");

    assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("exits promptly").isTrue();
    assertThat(p.exitValue()).as(output(p)).isEqualTo(ExitCode.INTERRUPTED.code());
    assertThat(out).as("the output folder that the run created").doesNotExist();
    Thread.sleep(200);
    assertThat(
            ProcessHandle.allProcesses()
                .filter(
                    h -> h.info().arguments().map(a -> List.of(a).contains(sleepArg)).orElse(false))
                .count())
        .as("no qemu-img (here: its stand-in) left running")
        .isZero();
  }

  @Test
  void aMissingQemuImgIsOneLineThatNamesThePackage() throws Exception {
    Path qcow = TestImages.qcow2(dir, "base.qcow2", 1 << 20, 13, "1.1");
    byte[] bytes = Files.readAllBytes(qcow);
    server.serve("/base.qcow2", bytes);
    Path arch = architecture(TestHttpServer.sha256(bytes));

    Process p =
        start(arch, Map.of("GEN_VM_IMAGE_QEMU_IMG", dir.resolve("no-such-qemu-img").toString()));

    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output(p)).isEqualTo(ExitCode.TOOL_MISSING.code());
    assertThat(output(p))
        .containsPattern(
            "error: one: .*no-such-qemu-img.* not found: "
                + java.util.regex.Pattern.quote(RealQemuImg.MISSING_HINT));
    assertThat(out).as("the output folder that the run created").doesNotExist();
  }

  @Test
  void aQemuImgMissingFromThePathNamesThePackageForThisDistribution() throws Exception {
    Path qcow = TestImages.qcow2(dir, "base.qcow2", 1 << 20, 14, "1.1");
    byte[] bytes = Files.readAllBytes(qcow);
    server.serve("/base.qcow2", bytes);
    Path arch = architecture(TestHttpServer.sha256(bytes));
    Path emptyBin = Files.createDirectories(dir.resolve("empty-bin"));

    Process p = start(arch, Map.of("PATH", emptyBin.toString()), "GEN_VM_IMAGE_QEMU_IMG");

    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output(p)).isEqualTo(ExitCode.TOOL_MISSING.code());
    String osRelease = Files.readString(Path.of("/etc/os-release"));
    assertThat(output(p))
        .contains(
            "error: one: qemu-img not found: "
                + org.genvmimage.process.InstallHint.of(
                    org.genvmimage.process.InstallHint.Program.QEMU_IMG, osRelease)
                + "\n");
    assertThat(output(p)).contains("GEN_VM_IMAGE_QEMU_IMG");
    if (osRelease.contains("ID=debian")) {
      assertThat(output(p)).contains("'apt-get install qemu-utils'", "dep/debian.sh");
    }
    assertThat(out).as("the output folder that the run created").doesNotExist();
  }

  @Test
  void bareFileNamesAreInTheCurrentFolderForBothCommands() throws Exception {
    Path qcow = TestImages.qcow2(dir, "base.qcow2", 1 << 20, 15, "1.1");
    byte[] bytes = Files.readAllBytes(qcow);
    server.serve("/base.qcow2", bytes);
    architecture(TestHttpServer.sha256(bytes));
    List<String> build =
        List.of(
            GenVmImageCommand.class.getName(),
            "--architecture-path",
            "architecture.yml",
            "--image-output-path",
            "img.qcow2",
            "--cache-dir",
            cache.toString());

    Process p = startIn(dir, build);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(output(p)).isZero();
    assertThat(output(p)).doesNotContain("Exception").contains("one  built       img.qcow2");
    assertThat(TestImages.info(dir.resolve("img.qcow2")).get("virtual-size").asLong())
        .isEqualTo(8 << 20);
    assertThat(dir.resolve(".img.qcow2.gen-vm-image.json")).isRegularFile();

    Process again = startIn(dir, build);
    assertThat(again.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(again.exitValue()).as(output(again)).isZero();
    assertThat(output(again)).contains("one  up to date  img.qcow2");

    Files.writeString(dir.resolve("user-data"), "#cloud-config\n");
    Files.writeString(dir.resolve("meta-data"), "instance-id: bare\n");
    Process configure =
        startIn(
            dir,
            List.of(
                ConfigureVmImageCommand.class.getName(),
                "--dry-run",
                "--image-input-path",
                "img.qcow2",
                "--config-user-data-path",
                "user-data",
                "--config-meta-data-path",
                "meta-data",
                "--config-seed-output-path",
                "seed.img",
                "--image-qemu-socket-path",
                "qmp.sock",
                "--network",
                "none",
                "--no-reset"));
    assertThat(configure.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(configure.exitValue()).as(output(configure)).isZero();
    assertThat(output(configure))
        .doesNotContain("Exception")
        .contains("serial log:   " + dir.toRealPath().resolve("console.log"));
  }

  /** Runs a main class with the test's class path in {@code workDir}; output as {@link #output}. */
  private Process startIn(Path workDir, List<String> mainAndArgs) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path")));
    command.addAll(mainAndArgs);
    ProcessBuilder pb =
        new ProcessBuilder(command).redirectErrorStream(true).directory(workDir.toFile());
    pb.redirectOutput(dir.resolve("output.txt").toFile());
    return pb.start();
  }

  private Path architecture(String sha256) throws IOException {
    Path arch = dir.resolve("architecture.yml");
    Files.writeString(
        arch,
        "owner: t\nimages:\n  one:\n    name: one\n    version: 1\n    get_url: "
            + server.uri("/base.qcow2")
            + "\n    checksum:\n      type: sha256\n      value: "
            + sha256
            + "\n    size: 8M\n");
    return arch;
  }

  private Process start(Path arch, Map<String, String> env, String... unset) throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                GenVmImageCommand.class.getName(),
                "--architecture-path",
                arch.toString(),
                "--image-output-path",
                out.resolve("image.qcow2").toString(),
                "--cache-dir",
                cache.toString()));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(dir.resolve("output.txt").toFile());
    pb.environment().putAll(env);
    for (String name : unset) {
      pb.environment().remove(name);
    }
    return pb.start();
  }

  private String output(Process p) {
    try {
      return Files.readString(dir.resolve("output.txt"));
    } catch (IOException e) {
      return e.toString();
    }
  }

  private long partBytes() {
    try {
      return TestImages.listFiles(cache).stream()
          .filter(f -> f.endsWith(".part"))
          .mapToLong(f -> cache.resolve(f).toFile().length())
          .sum();
    } catch (IOException e) {
      return 0;
    }
  }

  private void waitFor(BooleanSupplier condition, Process p) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!condition.getAsBoolean()) {
      assertThat(p.isAlive()).as("still running: " + output(p)).isTrue();
      assertThat(System.nanoTime()).as("timed out waiting: " + output(p)).isLessThan(deadline);
      Thread.sleep(50);
    }
  }

  private static void signal(Process p, String signal) throws Exception {
    new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid()))
        .redirectOutput(new File("/dev/null"))
        .start()
        .waitFor();
  }
}
