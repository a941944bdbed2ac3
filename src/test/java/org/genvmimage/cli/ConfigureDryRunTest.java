package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.genvmimage.cli.CliRun.Result;
import org.genvmimage.core.ExitCode;
import org.genvmimage.download.TestHttpServer;
import org.genvmimage.qemu.EmulatorLocator;
import org.genvmimage.testing.TestImages;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * configure-vm-image --dry-run against a real qcow2 (made by qemu-img), the real emulator lookup,
 * the real KVM check and the real virt-sysprep operation list: the plan is complete, and the folder
 * is byte for byte as it was.
 */
class ConfigureDryRunTest {
  @TempDir Path dir;
  Path image;
  Path config;
  Map<String, String> before;
  Path socket;

  @BeforeEach
  void setUp() throws IOException {
    image = dir.resolve("generated-images/image.qcow2");
    Files.createDirectories(image.getParent());
    TestImages.run("qemu-img", "create", "-q", "-f", "qcow2", image.toString(), "64M");
    socket = dir.resolve("generated-images/qmp");
    config = dir.resolve("cloud-init-config");
    Files.createDirectories(config);
    Files.writeString(config.resolve("user-data"), "#cloud-config\nhostname: planned\n");
    Files.writeString(config.resolve("meta-data"), "instance-id: plan-1\n");
    Files.writeString(config.resolve("vendor-data"), "#cloud-config\n{}\n");
  }

  List<String> args(String... extra) {
    List<String> all =
        new ArrayList<>(
            List.of(
                "--dry-run",
                "--image-input-path",
                image.toString(),
                "--image-qemu-socket-path",
                socket.toString(),
                "--config-user-data-path",
                config.resolve("user-data").toString(),
                "--config-meta-data-path",
                config.resolve("meta-data").toString(),
                "--config-vendor-data-path",
                config.resolve("vendor-data").toString(),
                "--config-seed-output-path",
                dir.resolve("image-config/seed.img").toString(),
                "--network",
                "none"));
    all.addAll(List.of(extra));
    return all;
  }

  Result dryRun(String... extra) throws IOException {
    before = snapshot(dir);
    Result r = CliRun.configure(args(extra).toArray(String[]::new));
    assertThat(snapshot(dir)).as("the folder after the dry run").isEqualTo(before);
    return r;
  }

  @Test
  void theFirmwareOfTheRunIsNamedWithWhy() throws Exception {
    Result blank = dryRun();
    assertThat(blank.exit()).as(blank.err()).isZero();
    assertThat(blank.out())
        .contains(
            "firmware:     BIOS (QEMU's default): the image has no partition table in its first"
                + " MiB (a blank disk or a whole-disk file system) (--firmware auto)")
        .doesNotContain("if=pflash");

    Result uefi = dryRun("--firmware", "uefi", "--output", "json");
    assertThat(uefi.exit()).as(uefi.err()).isZero();
    JsonNode doc = new ObjectMapper().readTree(uefi.out());
    assertThat(doc.at("/firmware/type").asText()).isEqualTo("uefi");
    assertThat(doc.at("/firmware/reason").asText()).isEqualTo("--firmware uefi");
    String vars = doc.at("/firmware/vars").asText();
    assertThat(vars).endsWith("/generated-images/.image.qcow2.configure/efivars.fd");
    assertThat(Path.of(vars)).doesNotExist();
    List<String> argv = new ArrayList<>();
    doc.at("/plan/argv").forEach(a -> argv.add(a.asText()));
    assertThat(argv)
        .contains(
            "if=pflash,unit=0,format="
                + doc.at("/firmware/code_format").asText()
                + ",readonly=on,file="
                + doc.at("/firmware/code").asText())
        .noneMatch(a -> a.contains("bootindex"));
  }

  @Test
  void printsThePlanAndChangesNothing() throws Exception {
    Result r = dryRun();

    assertThat(r.exit()).as(r.err()).isZero();
    Path emulator = EmulatorLocator.system().locate();
    Path overlay = dir.resolve("generated-images/.image.qcow2.configure/overlay.qcow2");
    assertThat(r.out().lines())
        .contains(
            "image:        " + image + " (qcow2, virtual size 64 MiB)",
            "emulator:     " + emulator,
            "    | hostname: planned",
            "    | instance-id: plan-1",
            "serial log:   " + dir.resolve("image-config/console.log"),
            "reset:        in the guest, as it powers off (a script part added to user-data)",
            "commit:       " + image + " (replaced in one atomic rename)")
        .anyMatch(
            l ->
                l.matches(
                        "accelerator:  using TCG: .*; CPU model max instead of host \\(KVM only\\)")
                    || l.matches("accelerator:  using KVM: .*; CPU model host"))
        .anyMatch(
            l ->
                l.matches(
                    "  user-data  [0-9.]+ KiB  #cloud-config \\+ reset part  from "
                        + java.util.regex.Pattern.quote(config.resolve("user-data").toString())))
        .anyMatch(l -> l.startsWith("  removes: cloud-init-state,") && l.contains("machine-id"));
    assertThat(r.out()).contains("-drive file=" + overlay + ",if=virtio,format=qcow2,cache=unsafe");
    assertThat(r.out()).contains("Content-Type: text/x-shellscript").contains("gen-vm-image-reset");
  }

  @Test
  void virtSysprepIsPlannedWithoutCustomize() throws Exception {
    Path overlay = dir.resolve("generated-images/.image.qcow2.configure/overlay.qcow2");
    for (String[] options :
        List.of(
            new String[] {"--reset", "virt-sysprep"},
            new String[] {"--reset-operations", "defaults,-ssh-userdir"})) {
      Result r = dryRun(options);

      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.out().lines())
          .contains("  user-data  32 B  #cloud-config  from " + config.resolve("user-data"))
          .anyMatch(
              l ->
                  l.startsWith("reset:        LIBGUESTFS_BACKEND=direct ")
                      && l.contains(" virt-sysprep --format qcow2 -a " + overlay)
                      && l.endsWith(",-customize"))
          .anyMatch(
              l ->
                  l.startsWith("  operations (")
                      && l.contains("machine-id")
                      && !l.contains("customize"));
    }
  }

  @Test
  void resetOptionsThatContradictEachOtherAreUsageErrors() throws Exception {
    for (String[] options :
        List.of(
            new String[] {"--no-reset", "--reset", "guest"},
            new String[] {"--reset", "guest", "--reset-operations", "machine-id"},
            new String[] {"--reset", "sometimes"})) {
      Result r = dryRun(options);
      assertThat(r.exit()).as(String.join(" ", options)).isEqualTo(ExitCode.USAGE.code());
      assertThat(r.err()).contains("--reset");
    }
    Result none = dryRun("--reset", "none");
    assertThat(none.exit()).as(none.err()).isZero();
    assertThat(none.out()).contains("reset:        none (--reset none)");
  }

  @Test
  void theAcceleratorLineNamesTheCpuModelOnce() throws Exception {
    Result tcg = dryRun("--accel", "tcg");
    assertThat(tcg.exit()).as(tcg.err()).isZero();
    assertThat(tcg.out().lines())
        .contains("accelerator:  using TCG (as asked); CPU model max instead of host (KVM only)");
    Result chosen = dryRun("--accel", "tcg", "--qemu-cpu-model", "qemu64");
    assertThat(chosen.out().lines())
        .contains("accelerator:  using TCG (as asked); CPU model qemu64");
    for (Result r : List.of(tcg, chosen)) {
      assertThat(r.out().split("CPU model", -1)).hasSize(2);
    }
  }

  @Test
  void jsonHasTheExactCommandLineWithThePathsARunWouldUse() throws Exception {
    Result r = dryRun("--output", "json", "--no-reset");

    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertThat(doc.get("command").asText()).isEqualTo("configure-vm-image");
    assertThat(doc.get("dry_run").asBoolean()).isTrue();
    assertThat(doc.get("status").asText()).isEqualTo("ok");
    assertThat(doc.at("/image/format").asText()).isEqualTo("qcow2");
    assertThat(doc.at("/image/virtual_size").asLong()).isEqualTo(64L << 20);
    assertThat(doc.get("accelerator").asText()).isIn("kvm", "tcg");
    List<String> argv = ConfigureJsonTest.texts(doc.at("/plan/argv"));
    Path overlay = dir.resolve("generated-images/.image.qcow2.configure/overlay.qcow2");
    assertThat(argv.get(0)).isEqualTo(EmulatorLocator.system().locate().toString());
    assertThat(argv.get(argv.indexOf("-accel") + 1)).startsWith(doc.get("accelerator").asText());
    assertThat(argv)
        .containsSubsequence("-nic", "none")
        .containsSubsequence("-m", "1024M")
        .contains(
            "file=" + overlay + ",if=virtio,format=qcow2,cache=unsafe",
            "file=" + dir.resolve("image-config/seed.img") + ",media=cdrom,readonly=on,format=raw",
            "socket,id=qmp,path=" + dir.resolve("generated-images/qmp") + ",server=on,wait=off",
            "file,id=serial0,path=" + dir.resolve("image-config/console.log"));
    assertThat(doc.at("/plan/overlay").asText()).isEqualTo(overlay.toString());
    assertThat(doc.at("/plan/qmp_socket_linked").asBoolean()).isFalse();
    assertThat(ConfigureJsonTest.texts(doc.at("/plan/seed/files")).size()).isEqualTo(3);
    assertThat(doc.at("/plan/seed/files").findValuesAsText("name"))
        .containsExactly("meta-data", "user-data", "vendor-data");
    assertThat(doc.at("/plan/seed/files/1/text").asText())
        .isEqualTo("#cloud-config\nhostname: planned\n");
    assertThat(doc.at("/plan/reset").isNull()).as("--no-reset").isTrue();
    assertThat(doc.at("/plan/commit_target").asText()).isEqualTo(image.toString());
  }

  @Test
  void aSocketPathTooLongForUnixSocketsIsShownAsALink() throws Exception {
    socket = dir.resolve("s".repeat(120));
    Result r = dryRun("--output", "json");

    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertThat(doc.at("/plan/qmp_socket_linked").asBoolean()).isTrue();
    assertThat(r.out()).contains("path=" + socket + ",server=on");
  }

  @Test
  void aMissingImageGivesTheExitCodeOfARunAndAJsonDocument() throws Exception {
    Files.delete(image);

    Result r = dryRun("--output", "json");

    assertThat(r.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(r.err()).contains(image + ": no such image");
    JsonNode doc = new ObjectMapper().readTree(r.out());
    assertThat(doc.get("status").asText()).isEqualTo("failed");
    assertThat(doc.get("exit_code").asInt()).isEqualTo(3);
    assertThat(doc.get("error").asText()).contains("no such image");
    assertThat(doc.get("plan").isNull()).isTrue();
  }

  @Test
  void invalidUserDataGivesTheExitCodeOfARun() throws Exception {
    Files.writeString(config.resolve("user-data"), "#cloud-config\nusers: [\n");

    Result r = dryRun();

    assertThat(r.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(r.err()).contains(config.resolve("user-data") + ":3:");
    assertThat(r.out()).isEmpty();
  }

  @Test
  void unknownResetOperationsAndABadFinishedPatternAreUsageErrors() throws Exception {
    Result ops = dryRun("--reset-operations", "defaults,machine-ids");
    assertThat(ops.exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(ops.err()).contains("'machine-ids'");

    Result pattern = dryRun("--finished-pattern", "(unclosed");
    assertThat(pattern.exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(pattern.err()).contains("--finished-pattern");
  }

  @SuppressWarnings("try") // the resource is held for the body, never used in it
  @Test
  void anImageThatAnotherRunIsConfiguringIsReported() throws Exception {
    Path lockFile = image.resolveSibling(".image.qcow2.configure.lock");
    try (FileChannel channel =
            FileChannel.open(lockFile, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        FileLock lock = channel.lock()) {
      Result r = dryRun();

      assertThat(r.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
      assertThat(r.err()).contains("another configure-vm-image is working on it");
    }
  }

  @Test
  void aMissingEmulatorIsExitCode7() throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                ProcessHandle.current().info().command().orElse("java"),
                "-cp",
                System.getProperty("java.class.path"),
                ConfigureVmImageCommand.class.getName()));
    command.addAll(args("--output", "json"));
    before = snapshot(dir);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().put(EmulatorLocator.ENV, dir.resolve("no-such-qemu").toString());
    builder.redirectError(ProcessBuilder.Redirect.DISCARD);
    Process p = builder.start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();

    assertThat(p.exitValue()).isEqualTo(ExitCode.TOOL_MISSING.code());
    JsonNode doc = new ObjectMapper().readTree(out);
    assertThat(doc.get("exit_code").asInt()).isEqualTo(7);
    assertThat(doc.get("error").asText()).contains("qemu-system-x86");
    assertThat(snapshot(dir)).isEqualTo(before);
  }

  /** Every path below a folder (hidden ones too) with its kind, size, time and content hash. */
  static Map<String, String> snapshot(Path folder) throws IOException {
    Map<String, String> entries = new TreeMap<>();
    try (Stream<Path> walk = Files.walk(folder)) {
      for (Path p : walk.toList()) {
        String state;
        if (Files.isSymbolicLink(p)) {
          state = "link " + Files.readSymbolicLink(p);
        } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          state = "dir " + Files.getLastModifiedTime(p);
        } else {
          state =
              "file "
                  + Files.size(p)
                  + " "
                  + Files.getLastModifiedTime(p)
                  + " "
                  + TestHttpServer.sha256(Files.readAllBytes(p));
        }
        entries.put(folder.relativize(p).toString(), state);
      }
    }
    return entries;
  }
}
