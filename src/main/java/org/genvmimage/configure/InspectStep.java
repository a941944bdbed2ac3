package org.genvmimage.configure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.genvmimage.cloudinit.CloudInitWatcher;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.qemu.CpuModel;

/**
 * Checks the image and takes its lock, inspects it with qemu-img, chooses the emulator and
 * accelerator, and checks {@code --finished-pattern}, the QMP socket path and the virt-sysprep
 * operations: everything that can fail before anything is written.
 *
 * <p>Uses the settings; produces {@code lock}, {@code imageInfo}, {@code emulator}, {@code
 * acceleration}, {@code finishedPattern}, {@code resetOperations}. A dry run checks the lock
 * without taking it.
 */
final class InspectStep implements ConfigureStep {
  private final ConfigureSettings settings;
  private final ConfigureTools tools;

  InspectStep(ConfigureSettings settings, ConfigureTools tools) {
    this.settings = settings;
    this.tools = tools;
  }

  @Override
  public String name() {
    return "inspect";
  }

  @Override
  public void run(ConfigureRun run) throws IOException {
    inspect(run, true);
    tools.console().info(run.acceleration.describe());
  }

  @Override
  public void plan(ConfigureRun run) throws IOException {
    inspect(run, false);
  }

  @Override
  public void cleanup(ConfigureRun run) {
    if (run.lock != null) {
      run.lock.close();
    }
  }

  private void inspect(ConfigureRun run, boolean lock) throws IOException {
    Path image = settings.image();
    if (!Files.isRegularFile(image)) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT,
          image
              + ": no such image; build it first (gen-vm-image, or make build), or pass"
              + " --image-input-path");
    }
    if (lock) {
      run.lock = ImageLock.take(image);
    } else {
      ImageLock.probe(image);
    }
    run.imageInfo = tools.qemuImg().info(image);
    run.emulator = tools.emulators().locate();
    ConfigureSettings.VmSettings vm = settings.vm();
    run.acceleration =
        tools
            .accelerators()
            .choose(
                run.emulator,
                vm.accelerator(),
                vm.cpuModelExplicit() ? CpuModel.explicit(vm.cpuModel()) : CpuModel.DEFAULT);
    run.finishedPattern = finishedPattern(settings.finishedPattern());
    checkSocketPath(vm.qmpSocket().toAbsolutePath().normalize());
    if (settings.reset().virtSysprep()) {
      String requested = settings.reset().operations();
      run.resetOperations = tools.sysprep().operations(requested);
      if (VirtSysprep.asksForCustomize(requested)) {
        tools
            .console()
            .warn(
                "--reset-operations: 'customize' is left out: with nothing to customise it only"
                    + " writes a machine id and a random seed that every clone would share");
      }
    } else if (settings.reset().guest()) {
      run.resetOperations = GuestReset.operations();
    }
  }

  static Pattern finishedPattern(String regex) {
    if (regex == null) {
      return Pattern.compile(CloudInitWatcher.DEFAULT_FINISHED_PATTERN);
    }
    try {
      return Pattern.compile(regex);
    } catch (PatternSyntaxException e) {
      throw new GenVmException(
          ExitCode.USAGE, "--finished-pattern: not a regular expression: " + e.getDescription());
    }
  }

  /** A file or folder where the QMP socket goes would stop QEMU: said before anything starts. */
  private static void checkSocketPath(Path socket) {
    if (Files.isDirectory(socket, LinkOption.NOFOLLOW_LINKS)
        || Files.isRegularFile(socket, LinkOption.NOFOLLOW_LINKS)) {
      throw new GenVmException(
          ExitCode.USAGE,
          "the QMP socket path "
              + socket
              + " is taken by a "
              + (Files.isDirectory(socket, LinkOption.NOFOLLOW_LINKS) ? "directory" : "file")
              + ": choose another path or remove it");
    }
  }
}
