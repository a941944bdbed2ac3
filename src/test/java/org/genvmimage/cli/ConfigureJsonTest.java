package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.genvmimage.cloudinit.CloudInitWatcher.Stage;
import org.genvmimage.cloudinit.CloudInitWatcher.StageSeen;
import org.genvmimage.cloudinit.SeedFile;
import org.genvmimage.configure.ConfigurePlan;
import org.genvmimage.configure.ConfigureResult;
import org.genvmimage.core.ExitCode;
import org.genvmimage.qemu.Accelerator;
import org.genvmimage.qemu.AcceleratorChoice;
import org.genvmimage.qemu.Firmware;
import org.genvmimage.qemu.FirmwareChoice;
import org.genvmimage.qemu.ImageInfo;
import org.genvmimage.qemu.UefiFirmware;
import org.junit.jupiter.api.Test;

class ConfigureJsonTest {
  static final Path IMAGE = Path.of("/srv/images/image.qcow2");
  static final Path LOG = Path.of("/srv/image-config/console.log");

  static final ConfigureResult DONE =
      new ConfigureResult(
          IMAGE,
          "qcow2",
          10_737_418_240L,
          "TCG",
          new FirmwareChoice(
              Firmware.BIOS, "the image has an MBR partition table with boot code", null),
          new ConfigureResult.CloudInit(
              "22.4.2",
              "DataSourceNoCloud [seed=/dev/sr0][dsmode=net]",
              List.of(
                  new StageSeen(Stage.INIT_LOCAL, "init-local", 5.58),
                  new StageSeen(Stage.INIT, "init", 7.87),
                  new StageSeen(Stage.MODULES_CONFIG, "modules:config", 10.15),
                  new StageSeen(Stage.MODULES_FINAL, "modules:final", null)),
              71.83,
              List.of("cloud-init: util.py[WARNING]: Failed to run module scripts-user")),
          new ConfigureResult.Durations(
              Duration.ofMillis(12),
              Duration.ofMillis(84_250),
              Duration.ofMillis(3_100),
              Duration.ofMillis(41_000),
              Duration.ofMillis(9_500),
              Duration.ofMillis(140_002)),
          LOG);

  /** Writes the document as the command does and reads it back. */
  static JsonNode written(com.fasterxml.jackson.databind.node.ObjectNode doc) throws Exception {
    StringWriter out = new StringWriter();
    JsonReport.write(new PrintWriter(out), doc);
    ObjectMapper mapper = new ObjectMapper();
    var parser = mapper.getFactory().createParser(out.toString());
    JsonNode node = mapper.readTree(parser);
    assertThat(parser.nextToken()).as("one document only").isNull();
    return node;
  }

  @Test
  void aSuccessfulRun() throws Exception {
    JsonNode doc =
        written(ConfigureJson.document(IMAGE, LOG, false, DONE, null, ExitCode.OK.code(), null));

    assertThat(fieldNames(doc))
        .containsExactly(
            "command",
            "version",
            "status",
            "exit_code",
            "dry_run",
            "error",
            "image",
            "accelerator",
            "firmware",
            "cloud_init",
            "durations",
            "guest_uptime",
            "serial_log",
            "plan");
    assertThat(doc.get("command").asText()).isEqualTo("configure-vm-image");
    assertThat(doc.get("version").asText()).isEqualTo(VersionProvider.version());
    assertThat(doc.get("status").asText()).isEqualTo("ok");
    assertThat(doc.get("exit_code").asInt()).isZero();
    assertThat(doc.get("dry_run").asBoolean()).isFalse();
    assertThat(doc.get("error").isNull()).isTrue();
    assertThat(doc.at("/image/path").asText()).isEqualTo("/srv/images/image.qcow2");
    assertThat(doc.at("/image/format").asText()).isEqualTo("qcow2");
    assertThat(doc.at("/image/virtual_size").asLong()).isEqualTo(10_737_418_240L);
    assertThat(doc.get("accelerator").asText()).isEqualTo("tcg");
    assertThat(doc.at("/firmware/type").asText()).isEqualTo("bios");
    assertThat(doc.at("/firmware/reason").asText()).contains("MBR partition table");
    assertThat(doc.at("/firmware/code").isNull()).isTrue();
    assertThat(doc.at("/firmware/vars").isNull()).isTrue();
    assertThat(doc.at("/cloud_init/version").asText()).isEqualTo("22.4.2");
    assertThat(doc.at("/cloud_init/datasource").asText())
        .isEqualTo("DataSourceNoCloud [seed=/dev/sr0][dsmode=net]");
    assertThat(doc.at("/cloud_init/warnings/0").asText()).contains("scripts-user");
    assertThat(doc.at("/cloud_init/stages").findValuesAsText("name"))
        .containsExactly("init-local", "init", "modules:config", "modules:final");
    assertThat(doc.at("/cloud_init/stages/1/seconds_after_boot").asDouble()).isEqualTo(7.87);
    assertThat(doc.at("/cloud_init/stages/3/seconds_after_boot").isNull()).isTrue();
    assertThat(doc.at("/durations/seed").asDouble()).isEqualTo(0.012);
    assertThat(doc.at("/durations/boot_to_finished").asDouble()).isEqualTo(84.25);
    assertThat(doc.at("/durations/power_off").asDouble()).isEqualTo(3.1);
    assertThat(doc.at("/durations/reset").asDouble()).isEqualTo(41.0);
    assertThat(doc.at("/durations/commit").asDouble()).isEqualTo(9.5);
    assertThat(doc.at("/durations/total").asDouble()).isEqualTo(140.002);
    assertThat(doc.at("/durations/total").isDouble()).isTrue();
    assertThat(doc.get("guest_uptime").asDouble()).isEqualTo(71.83);
    assertThat(doc.get("serial_log").asText()).isEqualTo("/srv/image-config/console.log");
    assertThat(doc.get("plan").isNull()).isTrue();
  }

  @Test
  void aFailedRunSaysHowFarItGotAndTheFirstLineOfTheError() throws Exception {
    ConfigureResult partial =
        new ConfigureResult(
            IMAGE,
            "qcow2",
            1L << 30,
            "TCG",
            null,
            new ConfigureResult.CloudInit(null, null, List.of(), null, List.of()),
            new ConfigureResult.Durations(
                Duration.ofMillis(20), null, null, null, null, Duration.ofSeconds(25)),
            LOG);

    JsonNode doc =
        written(
            ConfigureJson.document(
                IMAGE,
                LOG,
                false,
                partial,
                null,
                ExitCode.CONFIGURE_FAILED.code(),
                "timed out after 25 s (--timeout); the image is unchanged; the guest console ("
                    + LOG
                    + ") ends with:\n  [    3.2] EXT4-fs (vda1): mounted"));

    assertThat(doc.get("status").asText()).isEqualTo("failed");
    assertThat(doc.get("exit_code").asInt()).isEqualTo(9);
    assertThat(doc.get("error").asText())
        .startsWith("timed out after 25 s")
        .endsWith("ends with:")
        .doesNotContain("\n");
    assertThat(doc.at("/image/format").asText()).isEqualTo("qcow2");
    assertThat(doc.get("cloud_init").isNull()).isTrue();
    assertThat(doc.get("firmware").isNull()).as("not chosen").isTrue();
    assertThat(doc.at("/durations/seed").asDouble()).isEqualTo(0.02);
    assertThat(doc.at("/durations/boot_to_finished").isNull()).isTrue();
    assertThat(doc.at("/durations/total").asDouble()).isEqualTo(25.0);
    assertThat(doc.get("guest_uptime").isNull()).isTrue();
  }

  @Test
  void aFailureBeforeAnythingRanHasTheSameFieldsAllNull() throws Exception {
    JsonNode doc =
        written(
            ConfigureJson.document(
                IMAGE, LOG, false, null, null, ExitCode.INVALID_INPUT.code(), "no such image"));

    assertThat(doc.get("status").asText()).isEqualTo("failed");
    assertThat(doc.get("error").asText()).isEqualTo("no such image");
    assertThat(doc.at("/image/path").asText()).isEqualTo(IMAGE.toString());
    assertThat(doc.at("/image/format").isNull()).isTrue();
    for (String field : List.of("accelerator", "cloud_init", "durations", "guest_uptime", "plan")) {
      assertThat(doc.get(field).isNull()).as(field).isTrue();
    }
  }

  @Test
  void statusFollowsTheExitCode() {
    assertThat(JsonReport.status(ExitCode.OK.code())).isEqualTo("ok");
    assertThat(JsonReport.status(ExitCode.INTERRUPTED.code())).isEqualTo("interrupted");
    assertThat(JsonReport.status(ExitCode.TOOL_MISSING.code())).isEqualTo("failed");
    assertThat(JsonReport.status(ExitCode.INTERNAL.code())).isEqualTo("failed");
  }

  @Test
  void aDryRunCarriesThePlan() throws Exception {
    ConfigurePlan plan =
        new ConfigurePlan(
            IMAGE,
            new ImageInfo("qcow2", 1L << 30, 1L << 20, "1.1", null, false),
            new AcceleratorChoice(Accelerator.TCG, "max", "using TCG: /dev/kvm is missing"),
            new FirmwareChoice(
                Firmware.UEFI,
                "the image has a GPT with an EFI system partition and no BIOS boot partition"
                    + " (--firmware auto)",
                new UefiFirmware(
                    Path.of("/usr/share/edk2/ovmf/OVMF_CODE_4M.qcow2"),
                    "qcow2",
                    Path.of("/usr/share/edk2/ovmf/OVMF_VARS_4M.qcow2"),
                    "qcow2",
                    Path.of("/usr/share/qemu/firmware/50-edk2-ovmf-4m-qcow2-x64-nosb.json"))),
            Path.of("/srv/images/.image.qcow2.configure/efivars.qcow2"),
            Path.of("/usr/bin/qemu-system-x86_64"),
            List.of("/usr/bin/qemu-system-x86_64", "-accel", "tcg"),
            Path.of("/srv/image-config/seed.img"),
            362_496,
            List.of(
                new SeedFile(
                    "user-data",
                    Path.of("/srv/cloud-init-config/user-data"),
                    "#cloud-config",
                    "#cloud-config\nhostname: h\n".getBytes(StandardCharsets.UTF_8)),
                new SeedFile(
                    "vendor-data",
                    Path.of("/srv/cloud-init-config/vendor-data"),
                    "gzip",
                    new byte[] {0x1f, (byte) 0x8b, 8, 0, (byte) 0xff})),
            List.of("meta-data has no instance-id"),
            Path.of("/srv/images/.image.qcow2.configure/overlay.qcow2"),
            Path.of("/srv/images/qemu-monitor-socket"),
            false,
            LOG,
            new ConfigurePlan.Reset(
                "virt-sysprep",
                List.of("virt-sysprep", "--format", "qcow2", "-a", "/srv/o.qcow2"),
                Map.of("LIBGUESTFS_BACKEND", "direct"),
                List.of("machine-id", "ssh-hostkeys")),
            IMAGE);

    JsonNode doc =
        written(ConfigureJson.document(IMAGE, LOG, true, null, plan, ExitCode.OK.code(), null));

    assertThat(doc.get("dry_run").asBoolean()).isTrue();
    assertThat(doc.get("status").asText()).isEqualTo("ok");
    assertThat(doc.at("/image/virtual_size").asLong()).isEqualTo(1L << 30);
    assertThat(doc.get("accelerator").asText()).isEqualTo("tcg");
    assertThat(doc.get("durations").isNull()).isTrue();
    assertThat(doc.at("/plan/accelerator_reason").asText()).contains("/dev/kvm is missing");
    assertThat(doc.at("/firmware/type").asText()).isEqualTo("uefi");
    assertThat(doc.at("/firmware/reason").asText())
        .contains("EFI system partition and no BIOS boot partition");
    assertThat(doc.at("/firmware/code").asText())
        .isEqualTo("/usr/share/edk2/ovmf/OVMF_CODE_4M.qcow2");
    assertThat(doc.at("/firmware/code_format").asText()).isEqualTo("qcow2");
    assertThat(doc.at("/firmware/vars_template").asText())
        .isEqualTo("/usr/share/edk2/ovmf/OVMF_VARS_4M.qcow2");
    assertThat(doc.at("/firmware/vars_format").asText()).isEqualTo("qcow2");
    assertThat(doc.at("/firmware/descriptor").asText()).endsWith("-x64-nosb.json");
    assertThat(doc.at("/firmware/vars").asText())
        .isEqualTo("/srv/images/.image.qcow2.configure/efivars.qcow2");
    assertThat(texts(doc.at("/plan/argv")))
        .containsExactly("/usr/bin/qemu-system-x86_64", "-accel", "tcg");
    assertThat(doc.at("/plan/seed/files/0/name").asText()).isEqualTo("user-data");
    assertThat(doc.at("/plan/seed/files/0/size").asInt()).isEqualTo(26);
    assertThat(doc.at("/plan/seed/files/0/text").asText())
        .isEqualTo("#cloud-config\nhostname: h\n");
    assertThat(doc.at("/plan/seed/files/1/text").isNull()).as("binary").isTrue();
    assertThat(doc.at("/plan/seed/warnings/0").asText()).contains("instance-id");
    assertThat(doc.at("/plan/overlay").asText()).endsWith("/.image.qcow2.configure/overlay.qcow2");
    assertThat(texts(doc.at("/plan/reset/operations")))
        .containsExactly("machine-id", "ssh-hostkeys");
    assertThat(doc.at("/plan/reset/env/LIBGUESTFS_BACKEND").asText()).isEqualTo("direct");
    assertThat(doc.at("/plan/commit_target").asText()).isEqualTo(IMAGE.toString());
  }

  static List<String> fieldNames(JsonNode node) {
    List<String> names = new java.util.ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }

  static List<String> texts(JsonNode array) {
    List<String> values = new java.util.ArrayList<>();
    array.forEach(v -> values.add(v.asText()));
    return values;
  }
}
