package org.genvmimage.configure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Locale;
import org.genvmimage.cloudinit.CloudInitWatcher;
import org.genvmimage.cloudinit.LogTail;
import org.genvmimage.console.Console;
import org.genvmimage.core.Folders;
import org.genvmimage.core.OwnerOnly;
import org.genvmimage.qemu.QemuSystemCommand;

/**
 * Starts QEMU on the overlay, with the seed, QMP and the console log, and starts reading the
 * console. Cleanup stops QEMU and the reading.
 *
 * <p>With UEFI firmware, the guest's variables store is a copy of the firmware's template in the
 * work folder, which {@link OverlayStep} removes after the run.
 *
 * <p>Uses {@code emulator}, {@code acceleration}, {@code firmware}, {@code workDir}, {@code
 * overlay}, {@code finishedPattern}, {@code progress}; produces {@code command}, {@code watcher},
 * {@code tail}, {@code vm}.
 */
final class BootStep implements ConfigureStep {
  private final ConfigureSettings settings;
  private final ConfigureTools tools;

  BootStep(ConfigureSettings settings, ConfigureTools tools) {
    this.settings = settings;
    this.tools = tools;
  }

  @Override
  public String name() {
    return "boot";
  }

  /**
   * The QEMU command line of the run: the overlay, the seed, QMP (the socket path made absolute, as
   * QEMU is started with it) and the console log.
   */
  QemuSystemCommand command(ConfigureRun run) {
    ConfigureSettings.VmSettings vm = settings.vm();
    return QemuSystemCommand.builder(run.emulator)
        .acceleration(run.acceleration)
        .cpus(vm.cpus())
        .memoryMib(vm.memoryMib())
        .pflash(run.firmware == null ? null : run.firmware.pflash(varsCopy(run)))
        .networking(vm.networking())
        .disk(run.overlay, "qcow2")
        .seed(settings.seed().output())
        .qmpSocket(vm.qmpSocket().toAbsolutePath().normalize())
        .serialLog(vm.serialLog())
        .build();
  }

  /** The run's own copy of the UEFI variables store, in the work folder; null for BIOS. */
  static Path varsCopy(ConfigureRun run) {
    return run.firmware == null || run.firmware.uefi() == null
        ? null
        : run.workDir.resolve(run.firmware.uefi().varsCopyName());
  }

  @Override
  public void plan(ConfigureRun run) {
    run.command = command(run);
  }

  @Override
  public void run(ConfigureRun run) throws IOException {
    Console console = tools.console();
    Path log = settings.vm().serialLog();
    Files.createDirectories(Folders.of(log));
    Files.deleteIfExists(log);
    OwnerOnly.createFile(log); // 0600: the console shows passwords and keys cloud-init prints
    Path socket = settings.vm().qmpSocket();
    Files.createDirectories(Folders.of(socket));
    if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)
        && !Files.isRegularFile(socket, LinkOption.NOFOLLOW_LINKS)
        && !Files.isDirectory(socket)) {
      Files.delete(socket); // a socket or link left by a run that was killed
    }
    Path vars = varsCopy(run);
    if (vars != null) {
      Files.copy(run.firmware.uefi().varsTemplate(), vars, StandardCopyOption.REPLACE_EXISTING);
      Files.setPosixFilePermissions(vars, PosixFilePermissions.fromString("rw-------"));
    }
    run.command = command(run);
    console.debug("starting: " + run.command);
    CloudInitWatcher watcher = new CloudInitWatcher(run.finishedPattern, stages(run));
    run.watcher = watcher;
    boolean echo = console.verbosity() == Console.Verbosity.VERBOSE;
    run.tail =
        LogTail.start(
            log,
            line -> {
              if (echo) {
                console.debug("console: " + CloudInitWatcher.clean(line));
              }
              watcher.accept(line);
            });
    console.info(
        "booting "
            + settings.image()
            + " (console: "
            + log
            + ", "
            + run.acceleration.accelerator().name()
            + ")");
    run.progress.step("booting");
    run.vm = tools.launcher().start(run.command);
  }

  @Override
  public void cleanup(ConfigureRun run) {
    if (run.vm != null) {
      run.vm.close();
    }
    if (run.tail != null) {
      run.tail.close();
    }
  }

  /** Shows cloud-init's stage on the status line. */
  private static CloudInitWatcher.Listener stages(ConfigureRun run) {
    return new CloudInitWatcher.Listener() {
      @Override
      public void stageChanged(CloudInitWatcher.Stage stage, String line) {
        if (stage != CloudInitWatcher.Stage.FINISHED && stage != CloudInitWatcher.Stage.WAITING) {
          String name =
              stage
                  .name()
                  .toLowerCase(Locale.ROOT)
                  .replace('_', '-')
                  .replace("modules-", "modules:");
          run.progress.step("cloud-init " + name);
        }
      }
    };
  }
}
