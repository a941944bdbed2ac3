package org.genvmimage.configure;

import java.time.Duration;
import java.util.Locale;
import org.genvmimage.cloudinit.CloudInitWatcher;
import org.genvmimage.console.Console;
import org.genvmimage.console.Units;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/**
 * Waits for cloud-init's final message on the console, or for the guest to power itself off; fails
 * when the guest reports a failure, QEMU ends with an error, or cloud-init never read the seed.
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
    try {
      while (watcher.finished().isEmpty()) {
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

  private String consoleTail() {
    return ConsoleTail.of(settings.vm().serialLog());
  }
}
