package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.genvmimage.core.ExitCode;
import org.genvmimage.download.TestHttpServer;
import org.genvmimage.testing.TestImages;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * configure-vm-image end to end: a real Debian 12 cloud image (built from Debian packages by {@code
 * src/test/fixtures/build-debian-image.sh}, cached outside the repository), the real cloud-init in
 * it, real QEMU (TCG here), real virt-sysprep. Results are read from the disk without booting it
 * ({@code src/test/fixtures/read-guest-file.sh}).
 */
class ConfigureVmImageTest {
  static final Path FIXTURES = Path.of("src", "test", "fixtures").toAbsolutePath();

  @TempDir static Path shared;
  static Path fixture;

  @TempDir Path dir;
  Path image;
  Path config;

  record Result(int exit, String out, String err) {}

  @BeforeAll
  static void buildFixture() throws Exception {
    fixture = shared.resolve("debian-12.qcow2");
    Process p =
        new ProcessBuilder(FIXTURES.resolve("build-debian-image.sh").toString(), fixture.toString())
            .redirectErrorStream(true)
            .redirectOutput(shared.resolve("fixture.log").toFile())
            .start();
    boolean done = p.waitFor(40, TimeUnit.MINUTES);
    assertThat(done && p.exitValue() == 0)
        .as("fixture build: " + Files.readString(shared.resolve("fixture.log")))
        .isTrue();
  }

  @BeforeEach
  void copyFixture() throws IOException {
    image = dir.resolve("generated-images").resolve("image.qcow2");
    Files.createDirectories(image.getParent());
    Files.copy(fixture, image, StandardCopyOption.COPY_ATTRIBUTES);
    config = dir.resolve("cloud-init-config");
    Files.createDirectories(config);
  }

  void cloudInit(String instanceId, String userData) throws IOException {
    Files.writeString(config.resolve("user-data"), userData);
    Files.writeString(
        config.resolve("meta-data"),
        "instance-id: " + instanceId + "\nlocal-hostname: " + instanceId + "\n");
  }

  List<String> args(String... extra) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "--image-input-path", image.toString(),
                "--image-qemu-socket-path",
                    dir.resolve("generated-images/qemu-monitor-socket").toString(),
                "--config-user-data-path", config.resolve("user-data").toString(),
                "--config-meta-data-path", config.resolve("meta-data").toString(),
                "--config-vendor-data-path", config.resolve("vendor-data").toString(),
                "--config-seed-output-path", dir.resolve("image-config/seed.img").toString(),
                "--network", "none"));
    all.addAll(List.of(extra));
    return all;
  }

  Result configure(String... extra) throws IOException {
    Files.writeString(config.resolve("vendor-data"), "#cloud-config\n{}\n");
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code =
        ConfigureVmImageCommand.run(
            new PrintWriter(o), new PrintWriter(e), args(extra).toArray(String[]::new));
    return new Result(code, o.toString(), e.toString());
  }

  /** A file from the image's root file system, read without booting; null when missing. */
  String guestFile(String path) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder(
                FIXTURES.resolve("read-guest-file.sh").toString(), image.toString(), path)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    return p.waitFor() == 0 ? text : null;
  }

  @Test
  void configuresTheImageWithRealCloudInitAndResetsIt() throws Exception {
    cloudInit(
        "configure-test",
        "#cloud-config\n"
            + "hostname: configured-host\n"
            + "users:\n  - name: tester\n    shell: /bin/bash\n"
            + "write_files:\n  - path: /etc/gen-vm-image-test\n    content: \"written by cloud-init\\n\"\n");

    Result r = configure("--timeout", "20m");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains(image + "  configured").contains("cloud-init 22.4");
    assertThat(guestFile("/etc/gen-vm-image-test")).isEqualTo("written by cloud-init\n");
    assertThat(guestFile("/etc/passwd")).contains("\ntester:");
    assertThat(guestFile("/etc/hostname")).isEqualTo("configured-host\n");
    assertThat(guestFile("/var/log/cloud-init.log")).as("virt-sysprep removed the logs").isNull();
    var info = TestImages.info(image);
    assertThat(info.get("format").asText()).isEqualTo("qcow2");
    assertThat(info.has("backing-filename")).isFalse();
    assertThat(TestImages.listFiles(image.getParent())).containsExactly("image.qcow2");
    assertThat(Files.readString(dir.resolve("image-config/console.log"))).contains("Cloud-init v.");
    assertThat(isoinfoLabel(dir.resolve("image-config/seed.img"))).isEqualTo("cidata");
    assertNoQemuFor(dir);
  }

  @Test
  void aGuestThatPowersItselfOffCompletesTheRun() throws Exception {
    cloudInit(
        "poweroff-test",
        "#cloud-config\n"
            + "write_files:\n  - path: /etc/gen-vm-image-test\n    content: \"before power-off\\n\"\n"
            + "power_state:\n  mode: poweroff\n  delay: now\n");

    Result r = configure("--no-reset", "--timeout", "20m");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(guestFile("/etc/gen-vm-image-test")).isEqualTo("before power-off\n");
    assertThat(guestFile("/var/log/cloud-init.log")).as("no reset: logs kept").isNotNull();
    assertNoQemuFor(dir);
  }

  @Test
  void aTimeoutStopsTheVmAndLeavesTheImageAsItWas() throws Exception {
    cloudInit("timeout-test", "#cloud-config\n{}\n");
    String before = sha256(image);

    Result r = configure("--timeout", "25s");

    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.CONFIGURE_FAILED);
    assertThat(r.err()).contains("timed out after 25 s").contains("console.log");
    assertThat(sha256(image)).isEqualTo(before);
    assertThat(TestImages.listFiles(image.getParent())).containsExactly("image.qcow2");
    assertNoQemuFor(dir);
  }

  @Test
  void ctrlCWhileTheGuestBootsLeavesTheImageAsItWasAndNoQemu() throws Exception {
    cloudInit("interrupt-test", "#cloud-config\n{}\n");
    Files.writeString(config.resolve("vendor-data"), "#cloud-config\n{}\n");
    String before = sha256(image);
    List<String> command =
        new ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                ConfigureVmImageCommand.class.getName()));
    command.addAll(args("--no-reset"));
    Path output = dir.resolve("output.txt");
    Process p =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(output.toFile())
            .start();
    Path log = dir.resolve("image-config/console.log");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
    while (!Files.exists(log) || Files.size(log) < 200) {
      assertThat(p.isAlive()).as(Files.readString(output)).isTrue();
      assertThat(System.nanoTime()).as("the guest printed nothing").isLessThan(deadline);
      Thread.sleep(200);
    }
    new ProcessBuilder("kill", "-INT", Long.toString(p.pid()))
        .redirectOutput(new File("/dev/null"))
        .start()
        .waitFor();

    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(Files.readString(output)).isEqualTo(ExitCode.INTERRUPTED);
    assertThat(sha256(image)).isEqualTo(before);
    assertThat(TestImages.listFiles(image.getParent())).containsExactly("image.qcow2");
    assertNoQemuFor(dir);
  }

  @Test
  void invalidCloudInitFilesAreReportedBeforeAnythingBoots() throws Exception {
    cloudInit("bad", "#cloud-config\nusers: [\n");
    String before = sha256(image);

    Result r = configure();

    assertThat(r.exit()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err()).contains(config.resolve("user-data") + ":");
    assertThat(sha256(image)).isEqualTo(before);
    assertThat(dir.resolve("image-config/console.log")).doesNotExist();
  }

  @Test
  void aMissingImageIsOneLineWithTheFix() throws Exception {
    cloudInit("missing", "#cloud-config\n{}\n");
    Files.delete(image);

    Result r = configure();

    assertThat(r.exit()).isEqualTo(ExitCode.INVALID_INPUT);
    assertThat(r.err()).contains(image + ": no such image").contains("gen-vm-image");
  }

  static String sha256(Path file) throws IOException {
    return TestHttpServer.sha256(Files.readAllBytes(file));
  }

  static String isoinfoLabel(Path iso) throws IOException {
    String out = TestImages.run("isoinfo", "-d", "-i", iso.toString());
    for (String line : out.split("\n")) {
      if (line.startsWith("Volume id:")) {
        return line.substring("Volume id:".length()).trim();
      }
    }
    return null;
  }

  /** No qemu process whose command line names a file below this folder. */
  static void assertNoQemuFor(Path folder) throws InterruptedException {
    Thread.sleep(300);
    long left =
        ProcessHandle.allProcesses()
            .filter(
                h ->
                    h.info()
                        .commandLine()
                        .map(c -> c.contains("qemu") && c.contains(folder.toString()))
                        .orElse(false))
            .count();
    assertThat(left).as("qemu processes left").isZero();
  }
}
