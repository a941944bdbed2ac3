package org.genvmimage.configure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.qemu.Firmware;
import org.genvmimage.qemu.FirmwareChoice;
import org.genvmimage.qemu.ImageInfo;
import org.genvmimage.qemu.UefiFirmware;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The firmware step against fakes: the image is read as raw by the recording qemu-img. */
class FirmwareStepTest {
  @TempDir Path dir;

  static ConfigureSettings with(ConfigureSettings s, Firmware firmware, Duration consoleTimeout) {
    ConfigureSettings.VmSettings vm = s.vm();
    return new ConfigureSettings(
        s.image(),
        s.seed(),
        new ConfigureSettings.VmSettings(
            vm.qmpSocket(),
            vm.serialLog(),
            vm.cpuModel(),
            vm.cpuModelExplicit(),
            vm.accelerator(),
            vm.memoryMib(),
            vm.cpus(),
            vm.networking(),
            firmware,
            consoleTimeout),
        s.reset(),
        s.finishedPattern(),
        s.timeout());
  }

  /** Partitions the settings' image (a raw file) with sfdisk. */
  static void partition(Path image, String script) throws Exception {
    Files.delete(image);
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(8 << 20);
    }
    Process p =
        new ProcessBuilder("sfdisk", "-q", "--no-reread", "--no-tell-kernel", image.toString())
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().write(script.getBytes());
    p.getOutputStream().close();
    p.getInputStream().readAllBytes();
    assertThat(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0).isTrue();
  }

  ConfigureRun inspected(ConfigureFakes fakes, ConfigureSettings settings) {
    ConfigureRun run = fakes.run(settings);
    run.imageInfo = new ImageInfo("raw", 8 << 20, 8 << 20, null, null, false);
    run.emulator = ConfigureFakes.EMULATOR;
    run.acceleration = ConfigureFakes.TCG;
    return run;
  }

  @Test
  void autoBootsAUefiOnlyDiskWithUefiAndSaysWhy() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = with(fakes.withFiles(false), Firmware.AUTO, Duration.ZERO);
    partition(
        settings.image(),
        "label: gpt\nsize=4096, type=C12A7328-F81F-11D2-BA4B-00A0C93EC93B\ntype=linux\n");
    ConfigureRun run = inspected(fakes, settings);

    new FirmwareStep(settings, fakes.tools).run(run);

    assertThat(run.firmware.firmware()).isEqualTo(Firmware.UEFI);
    assertThat(run.firmware.uefi()).isEqualTo(ConfigureFakes.OVMF);
    assertThat(run.firmware.reason())
        .isEqualTo(
            "the image has a GPT with an EFI system partition and no BIOS boot partition"
                + " (--firmware auto)");
    assertThat(fakes.qemuImg.calls())
        .containsExactly("head " + settings.image() + " raw " + (1 << 20));
    assertThat(fakes.messages.toString()).contains("firmware: UEFI, /usr/share/OVMF/");
  }

  @Test
  void autoBootsAnMbrDiskWithBiosAndNeedsNoOvmf() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = with(fakes.withFiles(false), Firmware.AUTO, Duration.ZERO);
    partition(settings.image(), "label: dos\ntype=83\n");
    ConfigureRun run = inspected(fakes, settings);

    new FirmwareStep(settings, fakes.tools).plan(run);

    assertThat(run.firmware)
        .isEqualTo(
            new FirmwareChoice(
                Firmware.BIOS,
                "the image has an MBR partition table (no boot code) (--firmware auto)",
                null));
  }

  @Test
  void anExplicitChoiceDoesNotReadTheImage() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings uefi = with(fakes.withFiles(false), Firmware.UEFI, Duration.ZERO);
    ConfigureRun run = inspected(fakes, uefi);

    new FirmwareStep(uefi, fakes.tools).plan(run);

    assertThat(run.firmware.firmware()).isEqualTo(Firmware.UEFI);
    assertThat(run.firmware.reason()).isEqualTo("--firmware uefi");
    assertThat(fakes.qemuImg.calls()).isEmpty();

    ConfigureSettings bios = with(uefi, Firmware.BIOS, Duration.ZERO);
    new FirmwareStep(bios, fakes.tools).plan(run);
    assertThat(run.firmware).isEqualTo(new FirmwareChoice(Firmware.BIOS, "--firmware bios", null));
  }

  @Test
  void missingUefiFirmwareFailsTheStepWithToolMissing() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = with(fakes.withFiles(false), Firmware.UEFI, Duration.ZERO);
    ConfigureTools tools =
        new ConfigureTools(
            fakes.qemuImg,
            fakes.tools.emulators(),
            fakes.tools.accelerators(),
            emulator -> {
              throw new GenVmException(ExitCode.TOOL_MISSING, "no UEFI firmware (OVMF)");
            },
            fakes.launcher,
            fakes.sysprep,
            fakes.console);

    assertThatThrownBy(() -> new FirmwareStep(settings, tools).plan(inspected(fakes, settings)))
        .isInstanceOfSatisfying(
            GenVmException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.TOOL_MISSING.code()));
  }

  @Test
  void bootGivesEachRunItsOwnPrivateCopyOfTheVariablesStoreOnPflash() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = with(fakes.withFiles(false), Firmware.UEFI, Duration.ZERO);
    Path code = Files.writeString(dir.resolve("OVMF_CODE_4M.qcow2"), "code");
    Path template = Files.writeString(dir.resolve("OVMF_VARS_4M.qcow2"), "empty variables");
    ConfigureRun run = inspected(fakes, settings);
    run.finishedPattern = InspectStep.finishedPattern(null);
    run.firmware =
        new FirmwareChoice(
            Firmware.UEFI,
            "--firmware uefi",
            new UefiFirmware(code, "qcow2", template, "qcow2", null));
    OverlayStep overlay = new OverlayStep(settings, fakes.tools);
    BootStep boot = new BootStep(settings, fakes.tools);
    Path vars;
    try {
      overlay.run(run);
      boot.run(run);
      vars = run.workDir.resolve("efivars.qcow2");

      assertThat(vars).hasContent("empty variables");
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(vars)))
          .isEqualTo("rw-------");
      assertThat(String.join(" ", run.command.arguments()))
          .contains(
              "-drive if=pflash,unit=0,format=qcow2,readonly=on,file="
                  + code
                  + " -drive if=pflash,unit=1,format=qcow2,file="
                  + vars);
    } finally {
      boot.cleanup(run);
      overlay.cleanup(run);
    }
    assertThat(vars).doesNotExist();
    assertThat(template).hasContent("empty variables");
  }
}
