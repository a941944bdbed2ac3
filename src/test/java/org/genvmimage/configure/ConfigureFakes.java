package org.genvmimage.configure;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import org.genvmimage.console.Console;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.qemu.Accelerator;
import org.genvmimage.qemu.AcceleratorChoice;
import org.genvmimage.qemu.Firmware;
import org.genvmimage.qemu.QemuSystemCommand;
import org.genvmimage.qemu.QemuVm;
import org.genvmimage.qemu.RecordingQemuImg;
import org.genvmimage.qemu.UefiFirmware;

/**
 * Recording fakes of the configure tools, and settings over a temporary folder, for step tests: the
 * emulator is {@code /usr/bin/qemu-system-x86_64}, the accelerator TCG, the launcher records each
 * command and hands out a {@link FakeGuest}, virt-sysprep records its runs.
 */
final class ConfigureFakes {
  static final Path EMULATOR = Path.of("/usr/bin/qemu-system-x86_64");
  static final AcceleratorChoice TCG =
      new AcceleratorChoice(Accelerator.TCG, "max", "using TCG: /dev/kvm is missing");

  /** The UEFI firmware the fake finds. */
  static final UefiFirmware OVMF =
      new UefiFirmware(
          Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd"),
          "raw",
          Path.of("/usr/share/OVMF/OVMF_VARS_4M.fd"),
          "raw",
          Path.of("/usr/share/qemu/firmware/60-edk2-x86_64.json"));

  final Path dir;
  final RecordingQemuImg qemuImg = new RecordingQemuImg();
  final RecordingLauncher launcher = new RecordingLauncher();
  final RecordingSysprep sysprep = new RecordingSysprep();
  final StringWriter messages = new StringWriter();
  final Console console =
      new Console(
          "configure-vm-image", new PrintWriter(messages, true), Console.Verbosity.NORMAL, false);
  final ConfigureTools tools =
      new ConfigureTools(
          qemuImg,
          () -> EMULATOR,
          (emulator, requested, cpu) -> TCG,
          emulator -> OVMF,
          launcher,
          sysprep,
          console);

  ConfigureFakes(Path dir) {
    this.dir = dir;
  }

  /** Settings as the command's defaults give them, under {@link #dir}. */
  ConfigureSettings settings(boolean reset) {
    return new ConfigureSettings(
        dir.resolve("generated-images/image.qcow2"),
        new ConfigureSettings.SeedSettings(
            dir.resolve("cloud-init-config/user-data"),
            dir.resolve("cloud-init-config/meta-data"),
            dir.resolve("cloud-init-config/vendor-data"),
            false,
            null,
            dir.resolve("image-config/seed.img")),
        new ConfigureSettings.VmSettings(
            dir.resolve("generated-images/qemu-monitor-socket"),
            dir.resolve("image-config/console.log"),
            "host",
            false,
            Accelerator.AUTO,
            1024,
            2,
            false,
            Firmware.BIOS,
            Duration.ofMinutes(3)),
        new ConfigureSettings.ResetSettings(
            reset ? ConfigureSettings.ResetMode.VIRT_SYSPREP : ConfigureSettings.ResetMode.NONE,
            reset ? "machine-id,ssh-hostkeys" : null),
        null,
        Duration.ofMinutes(30));
  }

  /** Writes the image and the cloud-init files the settings name. */
  ConfigureSettings withFiles(boolean reset) throws IOException {
    ConfigureSettings settings = settings(reset);
    Files.createDirectories(settings.image().getParent());
    Files.writeString(settings.image(), "image");
    Files.createDirectories(settings.seed().userData().getParent());
    Files.writeString(settings.seed().userData(), "#cloud-config\nhostname: h\n");
    Files.writeString(settings.seed().metaData(), "instance-id: i-1\n");
    return settings;
  }

  /** A context as a run starts it, with a progress line on the fake console. */
  ConfigureRun run(ConfigureSettings settings) {
    ConfigureRun run = new ConfigureRun();
    run.progress = new ConfigureProgress(console, settings.image(), run.startNanos);
    return run;
  }

  /** Records the commands it is given; each start hands out a new {@link FakeGuest}. */
  static final class RecordingLauncher implements ConfigureTools.Launcher {
    final List<QemuSystemCommand> started = new CopyOnWriteArrayList<>();
    final List<FakeGuest> guests = new CopyOnWriteArrayList<>();

    @Override
    public ConfigureTools.Guest start(QemuSystemCommand command) {
      started.add(command);
      FakeGuest guest = new FakeGuest();
      guests.add(guest);
      return guest;
    }
  }

  /** A guest that runs until told otherwise; records power-off and close. */
  static final class FakeGuest implements ConfigureTools.Guest {
    final List<String> calls = new CopyOnWriteArrayList<>();
    volatile boolean alive = true;
    volatile int exitCode;
    volatile QemuVm.PowerOff powerOff =
        new QemuVm.PowerOff(QemuVm.Ending.GUEST_POWERED_OFF, 0, "guest-shutdown");

    @Override
    public boolean isAlive() {
      return alive;
    }

    @Override
    public Optional<Integer> exitCode() {
      return alive ? Optional.empty() : Optional.of(exitCode);
    }

    @Override
    public GenVmException exitedError() {
      return new GenVmException(ExitCode.TOOL_FAILED, "qemu exited with " + exitCode);
    }

    @Override
    public QemuVm.PowerOff powerOff(Duration grace) {
      calls.add("powerOff " + grace.toSeconds());
      alive = false;
      exitCode = powerOff.exitCode();
      return powerOff;
    }

    @Override
    public void close() {
      calls.add("close");
      alive = false;
    }
  }

  /** virt-sysprep that knows a few operations and records its runs. */
  static final class RecordingSysprep implements ConfigureTools.Sysprep {
    final List<String> calls = new CopyOnWriteArrayList<>();

    @Override
    public List<String> operations(String requested) {
      calls.add("operations " + requested);
      return VirtSysprep.resolve(
          requested,
          List.of(
              new VirtSysprep.Operation("machine-id", true),
              new VirtSysprep.Operation("ssh-hostkeys", true),
              new VirtSysprep.Operation("user-account", false)));
    }

    @Override
    public List<String> command(Path image, String format, String operations) {
      return VirtSysprep.command("virt-sysprep", image, format, operations);
    }

    @Override
    public void run(List<String> command, Map<String, String> environment, Duration timeout) {
      calls.add("run " + String.join(" ", command) + " " + environment);
    }
  }
}
