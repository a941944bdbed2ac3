package org.genvmimage.configure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.genvmimage.console.Console;
import org.genvmimage.core.GenVmException;
import org.genvmimage.process.ProcessRunner;
import org.genvmimage.qemu.Accelerator;
import org.genvmimage.qemu.AcceleratorChoice;
import org.genvmimage.qemu.AcceleratorChooser;
import org.genvmimage.qemu.CpuModel;
import org.genvmimage.qemu.EmulatorLocator;
import org.genvmimage.qemu.QemuImg;
import org.genvmimage.qemu.QemuSystemCommand;
import org.genvmimage.qemu.QemuVm;
import org.genvmimage.qemu.RealQemuImg;
import org.genvmimage.qemu.UefiFirmware;
import org.genvmimage.qemu.UefiFirmwareLocator;

/** The tools a configure run works with, each behind an interface so that steps can be tested. */
public record ConfigureTools(
    QemuImg qemuImg,
    Emulators emulators,
    Accelerators accelerators,
    Firmwares firmwares,
    Launcher launcher,
    Sysprep sysprep,
    Console console) {

  /** Finds the QEMU system emulator. */
  public interface Emulators {
    /**
     * @throws GenVmException TOOL_MISSING when there is none
     */
    Path locate();
  }

  /** Chooses KVM or TCG and the CPU model for an emulator on this host. */
  public interface Accelerators {
    AcceleratorChoice choose(Path emulator, Accelerator requested, CpuModel cpu);
  }

  /** Finds the UEFI firmware for an emulator (see {@link UefiFirmwareLocator}). */
  public interface Firmwares {
    /**
     * @throws GenVmException TOOL_MISSING, naming the package, when none is installed
     */
    UefiFirmware uefi(Path emulator);
  }

  /** Starts QEMU with a command line and connects to its QMP socket. */
  public interface Launcher {
    Guest start(QemuSystemCommand command);
  }

  /** A running QEMU, as the configure steps see it (see {@link QemuVm}). */
  public interface Guest extends AutoCloseable {
    boolean isAlive();

    Optional<Integer> exitCode();

    /** Why QEMU ended, with its exit code and output tail. */
    GenVmException exitedError();

    /** ACPI power button, then {@code quit} after {@code grace}, then kill. */
    QemuVm.PowerOff powerOff(Duration grace);

    /** Ends QEMU if it still runs; afterwards no process of this guest remains. */
    @Override
    void close();
  }

  /** Generalises an image (see {@link VirtSysprep}). */
  public interface Sysprep {
    /** The operations that run for {@code --reset-operations} (null for the defaults). */
    List<String> operations(String requested);

    /** The argument list of a reset of {@code image}. */
    List<String> command(Path image, String format, String operations);

    /** Runs a reset as {@link #command} gives it, with these variables set. */
    void run(List<String> command, Map<String, String> environment, Duration timeout);
  }

  /** The real tools of this host: qemu-img, the emulator on the PATH, QEMU, virt-sysprep. */
  public static ConfigureTools system(Console console) {
    ProcessRunner runner = new ProcessRunner();
    return new ConfigureTools(
        new RealQemuImg(runner, RealQemuImg.executableFromEnvironment()),
        () -> EmulatorLocator.system().locate(),
        (emulator, requested, cpu) -> AcceleratorChooser.forHost(emulator).choose(requested, cpu),
        emulator -> UefiFirmwareLocator.system(emulator).locate(),
        command -> new QemuGuest(QemuVm.start(command)),
        new VirtSysprep(runner, VirtSysprep.EXECUTABLE),
        console);
  }

  /** A {@link QemuVm} as a {@link Guest}. */
  private record QemuGuest(QemuVm vm) implements Guest {
    @Override
    public boolean isAlive() {
      return vm.isAlive();
    }

    @Override
    public Optional<Integer> exitCode() {
      return vm.exitCode();
    }

    @Override
    public GenVmException exitedError() {
      return vm.exitedError();
    }

    @Override
    public QemuVm.PowerOff powerOff(Duration grace) {
      return vm.powerOff(grace);
    }

    @Override
    public void close() {
      vm.close();
    }
  }
}
