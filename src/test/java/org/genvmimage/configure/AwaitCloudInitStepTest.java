package org.genvmimage.configure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import org.genvmimage.cloudinit.CloudInitWatcher;
import org.genvmimage.cloudinit.LogTail;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.qemu.Firmware;
import org.genvmimage.qemu.FirmwareChoice;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AwaitCloudInitStepTest {
  static final String FINISHED =
      "[   71.9] cloud-init[512]: Cloud-init v. 22.4.2 finished at Tue, 21 Nov 2023 10:00:01"
          + " +0000. Datasource DataSourceNoCloud [seed=/dev/vdb][dsmode=net].  Up 71.83 seconds";

  @TempDir Path dir;
  private ConfigureRun run;

  private ConfigureRun booted(ConfigureFakes fakes, ConfigureSettings settings) throws Exception {
    run = fakes.run(settings);
    Files.createDirectories(settings.vm().serialLog().getParent());
    Files.writeString(settings.vm().serialLog(), "booting\n");
    run.watcher =
        new CloudInitWatcher(InspectStep.finishedPattern(null), new CloudInitWatcher.Listener() {});
    run.tail = LogTail.start(settings.vm().serialLog(), run.watcher::accept);
    run.vm = new ConfigureFakes.FakeGuest();
    return run;
  }

  @AfterEach
  void stopTail() {
    if (run != null && run.tail != null) {
      run.tail.close();
    }
  }

  @Test
  void endsWhenCloudInitHasFinished() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = fakes.withFiles(true);
    ConfigureRun run = booted(fakes, settings);
    run.watcher.accept(FINISHED);

    new AwaitCloudInitStep(settings, fakes.tools).run(run);

    assertThat(run.bootToFinished).isNotNull();
    assertThat(run.watcher.version()).contains("22.4.2");
    assertThat(fakes.messages.toString()).contains("cloud-init 22.4.2 finished after");
    assertThat(((ConfigureFakes.FakeGuest) run.vm).calls).as("the VM is left running").isEmpty();
  }

  @Test
  void qemuEndingWithAnErrorFailsTheGuestWithTheConsoleTail() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = fakes.withFiles(true);
    ConfigureRun run = booted(fakes, settings);
    ConfigureFakes.FakeGuest guest = (ConfigureFakes.FakeGuest) run.vm;
    guest.exitCode = 1;
    guest.alive = false;

    assertThatThrownBy(() -> new AwaitCloudInitStep(settings, fakes.tools).run(run))
        .isInstanceOfSatisfying(
            GenVmException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.CONFIGURE_FAILED.code()))
        .hasMessageContaining("qemu ended unexpectedly (qemu exited with 1)")
        .hasMessageContaining("ends with:\n  booting");
    assertThat(run.tail.isRunning()).isFalse();
  }

  @Test
  void aGuestThatPowersItselfOffIsTakenAsDone() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = fakes.withFiles(true);
    ConfigureRun run = booted(fakes, settings);
    ((ConfigureFakes.FakeGuest) run.vm).alive = false;

    new AwaitCloudInitStep(settings, fakes.tools).run(run);

    assertThat(fakes.messages.toString()).contains("the guest powered off before");
    assertThat(run.bootToFinished).isNotNull();
  }

  @Test
  void aConsoleThatPrintsNothingFailsAfterTheConsoleTimeoutAndSaysWhatToCheck() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings =
        FirmwareStepTest.with(fakes.withFiles(true), Firmware.BIOS, Duration.ofMillis(600));
    ConfigureRun run = booted(fakes, settings);
    Files.writeString(settings.vm().serialLog(), "");
    run.firmware =
        new FirmwareChoice(
            Firmware.BIOS, "the image has no partition table in its first MiB", null);
    long start = System.nanoTime();

    assertThatThrownBy(() -> new AwaitCloudInitStep(settings, fakes.tools).run(run))
        .isInstanceOfSatisfying(
            GenVmException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.CONFIGURE_FAILED.code()))
        .hasMessageStartingWith("the guest printed nothing on its serial console")
        .hasMessageContaining("(--console-timeout)")
        .hasMessageContaining("is bootable")
        .hasMessageContaining("with BIOS firmware (the image has no partition table")
        .hasMessageContaining("--firmware uefi tries the other")
        .hasMessageContaining("console=ttyS0")
        .hasMessageContaining("the image is unchanged");
    assertThat(Duration.ofNanos(System.nanoTime() - start))
        .isGreaterThanOrEqualTo(Duration.ofMillis(600));
  }

  @Test
  void aConsoleThatStopsBeforeCloudInitFailsWithItsTail() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings =
        FirmwareStepTest.with(fakes.withFiles(true), Firmware.UEFI, Duration.ofMillis(600));
    ConfigureRun run = booted(fakes, settings);
    run.firmware = new FirmwareChoice(Firmware.UEFI, "--firmware uefi", ConfigureFakes.OVMF);
    Files.writeString(settings.vm().serialLog(), "BdsDxe: failed to load Boot0001\n");

    assertThatThrownBy(() -> new AwaitCloudInitStep(settings, fakes.tools).run(run))
        .isInstanceOfSatisfying(
            GenVmException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.CONFIGURE_FAILED.code()))
        .hasMessageContaining("has been silent for")
        .hasMessageContaining("cloud-init has not started")
        .hasMessageContaining("--firmware bios tries the other")
        .hasMessageContaining("ends with:\n  BdsDxe: failed to load Boot0001");
  }

  @Test
  void consoleOutputKeepsTheGuestAliveAndCloudInitEndsTheLimit() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings =
        FirmwareStepTest.with(fakes.withFiles(true), Firmware.BIOS, Duration.ofMillis(800));
    ConfigureRun run = booted(fakes, settings);
    Thread feeder =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < 6; i++) { // 1.8 s of output, a line every 300 ms
                  Thread.sleep(300);
                  Files.writeString(
                      settings.vm().serialLog(),
                      "[ " + i + ".0] booting\n",
                      StandardOpenOption.APPEND);
                }
                Files.writeString(
                    settings.vm().serialLog(),
                    "[   9.1] cloud-init[300]: Cloud-init v. 22.4.2 running 'init-local' at x\n",
                    StandardOpenOption.APPEND);
                Thread.sleep(2000); // silent longer than the limit, but cloud-init runs
                Files.writeString(
                    settings.vm().serialLog(), FINISHED + "\n", StandardOpenOption.APPEND);
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    feeder.start();
    try {
      new AwaitCloudInitStep(settings, fakes.tools).run(run);
    } finally {
      feeder.join();
    }

    assertThat(run.watcher.finished()).isPresent();
  }

  @Test
  void aZeroConsoleTimeoutNeverFires() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings =
        FirmwareStepTest.with(fakes.withFiles(true), Firmware.BIOS, Duration.ZERO);
    ConfigureRun run = booted(fakes, settings);
    ConfigureFakes.FakeGuest guest = (ConfigureFakes.FakeGuest) run.vm;
    Thread stopper =
        new Thread(
            () -> {
              try {
                Thread.sleep(1000);
              } catch (InterruptedException e) {
                return;
              }
              guest.alive = false; // powered itself off, exit 0
            });
    stopper.start();

    new AwaitCloudInitStep(settings, fakes.tools).run(run);
    stopper.join();

    assertThat(fakes.messages.toString()).contains("the guest powered off before");
  }
}
