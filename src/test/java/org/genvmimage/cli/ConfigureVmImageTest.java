package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.genvmimage.cli.CliRun.Result;
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
    return CliRun.configure(args(extra).toArray(String[]::new));
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
  void configuresTheImageWithRealCloudInitAndTheGuestResetsItselfThenACloneBootsAsANewMachine()
      throws Exception {
    cloudInit(
        "configure-test",
        "#cloud-config\n"
            + "hostname: configured-host\n"
            + "users:\n  - name: tester\n    shell: /bin/bash\n"
            + "write_files:\n  - path: /etc/gen-vm-image-test\n    content: \"written by cloud-init\\n\"\n"
            + "runcmd:\n"
            + "  - cp /etc/machine-id /etc/first-machine-id\n"
            + "  - echo secret > /tmp/leftover; mkdir /tmp/dir; echo x > /tmp/dir/.hidden\n"
            + "  - echo old > /var/tmp/leftover; echo 'ls -l' > /root/.bash_history\n"
            + "  - mkdir -p /var/lib/dhcp; echo lease > /var/lib/dhcp/dhclient.ens3.leases\n"
            + "  - mkdir -p /etc/udev/rules.d; echo rule > /etc/udev/rules.d/70-persistent-net.rules\n");

    Result r = configure("--timeout", "20m", "--output", "json");

    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertThat(doc.get("command").asText()).isEqualTo("configure-vm-image");
    assertThat(doc.get("status").asText()).isEqualTo("ok");
    assertThat(doc.get("exit_code").asInt()).isZero();
    assertThat(doc.get("dry_run").asBoolean()).isFalse();
    assertThat(doc.get("error").isNull()).isTrue();
    assertThat(doc.at("/image/path").asText()).isEqualTo(image.toString());
    assertThat(doc.at("/image/format").asText()).isEqualTo("qcow2");
    assertThat(doc.at("/image/virtual_size").asLong()).isPositive();
    assertThat(doc.get("accelerator").asText()).isIn("kvm", "tcg");
    String version = doc.at("/cloud_init/version").asText();
    assertThat(version).startsWith("22.4");
    assertThat(guestPackageVersion("cloud-init")).as("the guest's cloud-init").startsWith(version);
    assertThat(doc.at("/cloud_init/datasource").asText()).startsWith("DataSourceNoCloud");
    assertThat(doc.at("/cloud_init/warnings").isArray()).isTrue();
    JsonNode stages = doc.at("/cloud_init/stages");
    assertThat(stages.findValuesAsText("name"))
        .containsExactly("init-local", "init", "modules:config", "modules:final");
    double previous = 0;
    for (JsonNode stage : stages) {
      double seconds = stage.get("seconds_after_boot").asDouble();
      assertThat(seconds).as(stage.toString()).isGreaterThan(previous);
      previous = seconds;
    }
    assertThat(doc.get("guest_uptime").asDouble()).isGreaterThan(previous);
    for (String step :
        List.of("seed", "boot_to_finished", "power_off", "reset", "commit", "total")) {
      assertThat(doc.at("/durations/" + step).isDouble()).as(step).isTrue();
      assertThat(doc.at("/durations/" + step).asDouble()).as(step).isPositive();
    }
    assertThat(doc.at("/durations/reset").asDouble())
        .as("the guest's reset is a part of its power-off")
        .isLessThan(doc.at("/durations/power_off").asDouble());
    assertThat(doc.at("/durations/total").asDouble())
        .isGreaterThan(doc.at("/durations/boot_to_finished").asDouble());
    assertThat(doc.get("serial_log").asText())
        .isEqualTo(dir.resolve("image-config/console.log").toString());
    assertThat(doc.get("plan").isNull()).isTrue();
    assertThat(progressSteps(r.err()))
        .containsExactly(
            "booting",
            "cloud-init init-local",
            "cloud-init init",
            "cloud-init modules:config",
            "cloud-init modules:final",
            "powering off, resetting",
            "committing");
    // what the user-data wrote stays
    assertThat(guestFile("/etc/gen-vm-image-test")).isEqualTo("written by cloud-init\n");
    assertThat(guestFile("/etc/passwd")).contains("\ntester:");
    assertThat(guestFile("/etc/hostname")).isEqualTo("configured-host\n");
    String firstId = guestFile("/etc/first-machine-id");
    assertThat(firstId).as("the id the guest had").matches("[0-9a-f]{32}\n");
    // and what makes one machine differ from another is gone
    assertGeneralised();
    assertThat(guestFile("/tmp")).as("/tmp").isEmpty();
    assertThat(guestFile("/var/tmp")).as("/var/tmp").isEmpty();
    assertThat(guestFile("/root/.bash_history")).isNull();
    assertThat(guestFile("/var/lib/dhcp")).as("DHCP leases").isEmpty();
    assertThat(guestFile("/etc/udev/rules.d/70-persistent-net.rules")).isNull();
    var info = TestImages.info(image);
    assertThat(info.get("format").asText()).isEqualTo("qcow2");
    assertThat(info.has("backing-filename")).isFalse();
    assertThat(TestImages.listFiles(image.getParent())).containsExactly("image.qcow2");
    Path log = dir.resolve("image-config/console.log");
    assertThat(Files.readString(log)).contains("Cloud-init v.").contains("gen-vm-image-reset");
    assertThat(Files.getPosixFilePermissions(log)).as("console log").isEqualTo(OWNER_ONLY);
    Path seed = dir.resolve("image-config/seed.img");
    assertThat(Files.getPosixFilePermissions(seed)).as("seed").isEqualTo(OWNER_ONLY);
    assertThat(isoinfoLabel(seed)).isEqualTo("cidata");
    assertNoQemuFor(dir);

    // A clone booted with a new seed: cloud-init runs as a new instance, with a new machine id.
    cloudInit(
        "second-boot", "#cloud-config\nruncmd:\n  - cp /etc/machine-id /etc/second-machine-id\n");
    Result second = configure("--timeout", "20m", "--reset", "none");

    assertThat(second.exit()).as(second.err()).isZero();
    assertThat(guestFile("/var/lib/cloud/instances")).isEqualTo("second-boot\n");
    assertThat(guestFile("/var/lib/cloud/data/previous-instance-id"))
        .as("no instance before this one")
        .isNotEqualTo("configure-test\n");
    String secondId = guestFile("/etc/second-machine-id");
    assertThat(secondId).matches("[0-9a-f]{32}\n").isNotEqualTo(firstId);
    assertThat(guestFile("/etc/machine-id")).isEqualTo(secondId);
    assertThat(guestFile("/etc/ssh")).as("cloud-init made new host keys").contains("ssh_host_");
    assertThat(guestFile("/etc/gen-vm-image-test")).isEqualTo("written by cloud-init\n");
    assertNoQemuFor(dir);
  }

  static final java.util.Set<java.nio.file.attribute.PosixFilePermission> OWNER_ONLY =
      java.nio.file.attribute.PosixFilePermissions.fromString("rw-------");

  /** No machine id, host keys, cloud-init state or logs, random seed or journal in the image. */
  void assertGeneralised() throws Exception {
    assertThat(guestFile("/etc/machine-id")).as("/etc/machine-id").isIn("", "uninitialized\n");
    assertThat(guestFile("/var/lib/dbus/machine-id"))
        .as("/var/lib/dbus/machine-id (missing, or a link to /etc/machine-id)")
        .isIn(null, "", "uninitialized\n");
    assertThat(guestFile("/etc/ssh")).as("/etc/ssh").doesNotContain("ssh_host_");
    assertThat(guestFile("/var/lib/cloud")).as("cloud-init's state").isIn(null, "");
    assertThat(guestFile("/var/log/cloud-init.log")).isNull();
    assertThat(guestFile("/var/log/cloud-init-output.log")).isNull();
    assertThat(guestFile("/var/lib/systemd/random-seed")).isNull();
    assertThat(guestFile("/var/log/journal")).as("the journal").isIn(null, "");
  }

  @Test
  void aGuestThatPowersItselfOffWithMultipartUserDataIsResetToo() throws Exception {
    cloudInit(
        "poweroff-test",
        "Content-Type: multipart/mixed; boundary=\"XYZ\"\nMIME-Version: 1.0\n\n"
            + "--XYZ\nContent-Type: text/cloud-config; charset=\"us-ascii\"\n\n"
            + "#cloud-config\n"
            + "write_files:\n  - path: /etc/gen-vm-image-test\n    content: \"before power-off\\n\"\n"
            + "power_state:\n  mode: poweroff\n  delay: now\n"
            + "--XYZ\nContent-Type: text/x-shellscript; charset=\"us-ascii\"\n\n"
            + "#!/bin/sh\necho from the user script > /etc/user-script\n"
            + "--XYZ--\n");

    Result r = configure("--timeout", "20m");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(guestFile("/etc/gen-vm-image-test")).isEqualTo("before power-off\n");
    assertThat(guestFile("/etc/user-script")).isEqualTo("from the user script\n");
    assertGeneralised();
    assertNoQemuFor(dir);
  }

  @Test
  void aGuestThatDoesNotRunTheResetFailsTheRunAndLeavesTheImageAsItWas() throws Exception {
    cloudInit(
        "no-scripts",
        "#cloud-config\ncloud_final_modules: [final-message]\n"
            + "write_files:\n  - path: /etc/gen-vm-image-test\n    content: \"x\\n\"\n");
    String before = sha256(image);

    Result r = configure("--timeout", "20m");

    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.CONFIGURE_FAILED.code());
    assertThat(r.err()).contains("the in-guest reset never ran").contains("--reset virt-sysprep");
    assertThat(sha256(image)).isEqualTo(before);
    assertThat(TestImages.listFiles(image.getParent())).containsExactly("image.qcow2");
    assertNoQemuFor(dir);
  }

  @Test
  void virtSysprepResetsFromOutsideAndLeavesTheMachineIdEmpty() throws Exception {
    cloudInit(
        "sysprep-test",
        "#cloud-config\nwrite_files:\n  - path: /etc/gen-vm-image-test\n"
            + "    content: \"kept\\n\"\n");

    Result r = configure("--timeout", "20m", "--reset", "virt-sysprep");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(progressSteps(r.err())).contains("powering off", "resetting with virt-sysprep");
    assertThat(guestFile("/etc/gen-vm-image-test")).isEqualTo("kept\n");
    assertThat(guestFile("/etc/machine-id")).as("/etc/machine-id").isIn("", "uninitialized\n");
    assertThat(guestFile("/etc/ssh")).doesNotContain("ssh_host_");
    assertThat(guestFile("/var/log/cloud-init.log")).as("virt-sysprep removed the logs").isNull();
    assertNoQemuFor(dir);
  }

  @Test
  void aTimeoutStopsTheVmAndLeavesTheImageAsItWas() throws Exception {
    cloudInit("timeout-test", "#cloud-config\n{}\n");
    String before = sha256(image);

    Result r = configure("--timeout", "25s");

    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.CONFIGURE_FAILED.code());
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
    assertThat(p.exitValue()).as(Files.readString(output)).isEqualTo(ExitCode.INTERRUPTED.code());
    assertThat(sha256(image)).isEqualTo(before);
    assertThat(TestImages.listFiles(image.getParent())).containsExactly("image.qcow2");
    assertNoQemuFor(dir);
  }

  @Test
  void aUefiOnlyImageIsConfiguredUnderOvmfWithFirmwareAuto() throws Exception {
    Path uefiFixture = shared.resolve("debian-12-uefi.qcow2");
    Process p =
        new ProcessBuilder(
                FIXTURES.resolve("build-debian-uefi-image.sh").toString(), uefiFixture.toString())
            .redirectErrorStream(true)
            .redirectOutput(shared.resolve("uefi-fixture.log").toFile())
            .start();
    assertThat(p.waitFor(40, TimeUnit.MINUTES) && p.exitValue() == 0)
        .as("UEFI fixture build: " + Files.readString(shared.resolve("uefi-fixture.log")))
        .isTrue();
    Files.copy(uefiFixture, image, StandardCopyOption.REPLACE_EXISTING);
    cloudInit(
        "uefi-test",
        "#cloud-config\n"
            + "hostname: uefi-host\n"
            + "write_files:\n  - path: /etc/gen-vm-image-test\n    content: \"configured under UEFI\\n\"\n");

    Result r =
        configure("--no-reset", "--firmware", "auto", "--timeout", "30m", "--output", "json");

    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertThat(doc.at("/firmware/type").asText()).isEqualTo("uefi");
    assertThat(doc.at("/firmware/reason").asText())
        .isEqualTo(
            "the image has a GPT with an EFI system partition and no BIOS boot partition"
                + " (--firmware auto)");
    assertThat(Path.of(doc.at("/firmware/code").asText())).isRegularFile();
    assertThat(doc.at("/cloud_init/datasource").asText()).startsWith("DataSourceNoCloud");
    assertThat(r.err()).contains("firmware: UEFI, ");
    assertThat(Files.readString(dir.resolve("image-config/console.log")))
        .as("OVMF booted the disk")
        .contains("BdsDxe: starting Boot")
        .contains("Cloud-init v.");
    assertThat(guestFile("/etc/gen-vm-image-test")).isEqualTo("configured under UEFI\n");
    assertThat(guestFile("/etc/hostname")).isEqualTo("uefi-host\n");
    assertThat(TestImages.listFiles(image.getParent()))
        .as("the work folder with the variables store is gone")
        .containsExactly("image.qcow2");
    assertNoQemuFor(dir);
  }

  @Test
  void aGuestThatPrintsNothingFailsAfterTheConsoleTimeoutWithTheImageUnchanged() throws Exception {
    cloudInit("silent-test", "#cloud-config\n{}\n");
    Files.delete(image);
    TestImages.run("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "64M");
    String before = sha256(image);

    Result r = configure("--console-timeout", "10s", "--timeout", "20m");

    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.CONFIGURE_FAILED.code());
    assertThat(r.err())
        .as("ended by the console limit, not by --timeout")
        .contains("in 10 s (--console-timeout)")
        .contains("the guest printed nothing on its serial console")
        .contains("bootable")
        .contains("BIOS firmware (the image has no partition table in its first MiB")
        .contains("console=ttyS0")
        .doesNotContain("timed out");
    assertThat(sha256(image)).isEqualTo(before);
    assertThat(TestImages.listFiles(image.getParent())).containsExactly("image.qcow2");
    assertNoQemuFor(dir);
  }

  @Test
  void invalidCloudInitFilesAreReportedBeforeAnythingBoots() throws Exception {
    cloudInit("bad", "#cloud-config\nusers: [\n");
    String before = sha256(image);

    Result r = configure();

    assertThat(r.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(r.err()).contains(config.resolve("user-data") + ":");
    assertThat(sha256(image)).isEqualTo(before);
    assertThat(dir.resolve("image-config/console.log")).doesNotExist();
  }

  @Test
  void aMissingImageIsOneLineWithTheFix() throws Exception {
    cloudInit("missing", "#cloud-config\n{}\n");
    Files.delete(image);

    Result r = configure();

    assertThat(r.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(r.err()).contains(image + ": no such image").contains("gen-vm-image");
  }

  /** The plain progress lines on stderr, in order: the step of each, without the clock. */
  static List<String> progressSteps(String err) {
    List<String> steps = new ArrayList<>();
    Matcher m = Pattern.compile("(?m)^configuring image\\.qcow2: (.+?)  \\d+:\\d\\d$").matcher(err);
    while (m.find()) {
      steps.add(m.group(1));
    }
    return steps;
  }

  /** The version of a Debian package installed in the image. */
  String guestPackageVersion(String name) throws IOException, InterruptedException {
    String status = guestFile("/var/lib/dpkg/status");
    assertThat(status).isNotNull();
    Matcher m =
        Pattern.compile("(?ms)^Package: " + Pattern.quote(name) + "$.*?^Version: (\\S+)$")
            .matcher(status);
    assertThat(m.find()).as(name + " in /var/lib/dpkg/status").isTrue();
    return m.group(1);
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
