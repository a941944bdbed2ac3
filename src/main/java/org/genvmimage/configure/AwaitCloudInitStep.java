package org.genvmimage.configure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.genvmimage.cloudinit.CloudInitWatcher;
import org.genvmimage.console.Console;
import org.genvmimage.console.Units;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.qemu.Firmware;

/**
 * Waits for cloud-init's final message on the console, or for the guest to power itself off; fails
 * when the guest reports a failure, QEMU ends with an error, cloud-init never read the seed, or the
 * console stays silent for {@code --console-timeout} before cloud-init starts (a guest that does
 * not boot, or does not print to ttyS0). The silence limit ends when cloud-init shows itself: the
 * user-data's commands may well run quietly for long, and {@code --timeout} still covers them.
 *
 * <p>Uses {@code watcher}, {@code vm}, {@code tail}, {@code progress}; produces {@code
 * bootToFinished}.
 */
final class AwaitCloudInitStep implements ConfigureStep {
  /** How often the watcher and QEMU are looked at. */
  static final Duration POLL = Duration.ofMillis(200);

  private final ConfigureSettings settings;
  private final ConfigureTools tools;

  AwaitCloudInitStep(ConfigureSettings settings, ConfigureTools tools) {
    this.settings = settings;
    this.tools = tools;
  }

  @Override
  public String name() {
    return "await cloud-init";
  }

  @Override
  public void run(ConfigureRun run) throws InterruptedException {
    Console console = tools.console();
    CloudInitWatcher watcher = run.watcher;
    long bootNanos = System.nanoTime();
    Silence silence = new Silence(settings.vm().serialLog(), settings.vm().consoleTimeout());
    try {
      while (watcher.finished().isEmpty()) {
        if (watcher.stage() == CloudInitWatcher.Stage.WAITING
            && watcher.version().isEmpty()
            && silence.exceeded()) {
          throw silent(run, silence.consoleSize);
        }
        if (watcher.guestFailure().isPresent()) {
          throw new GenVmException(
              ExitCode.CONFIGURE_FAILED,
              "the guest failed: " + watcher.guestFailure().get() + consoleTail());
        }
        if (!run.vm.isAlive()) {
          run.tail.close();
          int exit = run.vm.exitCode().orElse(-1);
          if (exit == 0) {
            if (watcher.finished().isEmpty()) {
              console.warn(
                  "the guest powered off before cloud-init's final message was seen on the"
                      + " console; taking it as done");
            }
            break;
          }
          throw new GenVmException(
              ExitCode.CONFIGURE_FAILED,
              "qemu ended unexpectedly ("
                  + run.vm.exitedError().getMessage()
                  + ")"
                  + consoleTail());
        }
        Thread.sleep(POLL.toMillis());
      }
    } finally {
      run.progress.step(null);
    }
    run.bootToFinished = Duration.ofNanos(System.nanoTime() - bootNanos);
    if (watcher.finished().map(f -> f.line().contains("DataSourceNone")).orElse(false)) {
      throw new GenVmException(
          ExitCode.CONFIGURE_FAILED,
          "cloud-init finished without reading the seed (Datasource DataSourceNone): the guest"
              + " did not see the cidata CD-ROM (does its kernel have ata_piix, sr_mod and"
              + " isofs?); the image is unchanged"
              + consoleTail());
    }
    for (String problem : watcher.problems()) {
      console.warn("cloud-init: " + problem);
    }
    if (watcher.moreProblems() > 0) {
      console.warn(
          "cloud-init: "
              + watcher.moreProblems()
              + " more problems in "
              + settings.vm().serialLog());
    }
    console.info(
        "cloud-init "
            + watcher.version().orElse("")
            + " finished after "
            + Units.duration(run.bootToFinished)
            + watcher
                .finished()
                .map(CloudInitWatcher.Finished::uptime)
                .map(
                    u ->
                        String.format(Locale.ROOT, " (guest uptime %.1f s)", u.toMillis() / 1000.0))
                .orElse(""));
  }

  /**
   * The failure of a guest whose console stayed silent for {@code --console-timeout} before
   * cloud-init started: what to check, and the console's end when it showed anything.
   */
  private GenVmException silent(ConfigureRun run, long consoleBytes) {
    String limit = Units.duration(settings.vm().consoleTimeout());
    String firmware =
        run.firmware == null
            ? ""
            : " with "
                + run.firmware.firmware().name()
                + " firmware ("
                + run.firmware.reason()
                + "; --firmware "
                + (run.firmware.firmware() == Firmware.UEFI ? "bios" : "uefi")
                + " tries the other)";
    String checks =
        "; check that the image is bootable (a partition table and a boot loader), that it boots"
            + firmware
            + ", and that its kernel command line has console=ttyS0 (cloud images have it); the VM"
            + " is stopped and the image is unchanged";
    if (consoleBytes == 0) {
      return new GenVmException(
          ExitCode.CONFIGURE_FAILED,
          "the guest printed nothing on its serial console ("
              + settings.vm().serialLog()
              + ") in "
              + limit
              + " (--console-timeout)"
              + checks);
    }
    return new GenVmException(
        ExitCode.CONFIGURE_FAILED,
        "the guest's serial console has been silent for "
            + limit
            + " (--console-timeout) and cloud-init has not started"
            + checks
            + consoleTail());
  }

  /** Watches the console log's size: how long it has not grown. */
  private static final class Silence {
    private final Path log;
    private final long limitNanos;
    private long consoleSize = -1;
    private long since = System.nanoTime();

    Silence(Path log, Duration limit) {
      this.log = log;
      this.limitNanos = limit.toNanos();
    }

    /** Whether the log has not grown for the limit (never with a zero limit). */
    boolean exceeded() {
      if (limitNanos <= 0) {
        return false;
      }
      long size;
      try {
        size = Files.size(log);
      } catch (IOException e) {
        size = 0;
      }
      long now = System.nanoTime();
      if (size != consoleSize) {
        consoleSize = size;
        since = now;
        return false;
      }
      return now - since >= limitNanos;
    }
  }

  private String consoleTail() {
    return ConsoleTail.of(settings.vm().serialLog());
  }
}
