package org.genvmimage.configure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.genvmimage.cloudinit.LogTail;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.qemu.QemuVm;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PowerOffStepTest {
  @TempDir Path dir;

  private ConfigureRun running(ConfigureFakes fakes, ConfigureSettings settings) throws Exception {
    ConfigureRun run = fakes.run(settings);
    Files.createDirectories(settings.vm().serialLog().getParent());
    Files.writeString(settings.vm().serialLog(), "reboot: Power down\n");
    run.tail = LogTail.start(settings.vm().serialLog(), line -> {});
    run.vm = new ConfigureFakes.FakeGuest();
    return run;
  }

  @Test
  void pressesThePowerButtonAndStopsReadingTheConsole() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = fakes.withFiles(true);
    ConfigureRun run = running(fakes, settings);

    new PowerOffStep(settings).run(run);

    assertThat(((ConfigureFakes.FakeGuest) run.vm).calls).containsExactly("powerOff 60");
    assertThat(run.tail.isRunning()).isFalse();
    assertThat(run.powerOff).isNotNull();
  }

  @Test
  void aGuestThatHadToBeQuitFailsTheRun() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = fakes.withFiles(true);
    ConfigureRun run = running(fakes, settings);
    ((ConfigureFakes.FakeGuest) run.vm).powerOff =
        new QemuVm.PowerOff(QemuVm.Ending.QUIT, 0, "host-qmp-quit");

    try {
      assertThatThrownBy(() -> new PowerOffStep(settings).run(run))
          .isInstanceOfSatisfying(
              GenVmException.class,
              e -> assertThat(e.exitCode()).isEqualTo(ExitCode.CONFIGURE_FAILED.code()))
          .hasMessageContaining("did not shut down within 60 s")
          .hasMessageContaining("reboot: Power down");
      assertThat(run.powerOff).isNull();
    } finally {
      run.tail.close();
    }
  }

  @Test
  void aGuestThatIsAlreadyOffIsNotTouched() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = fakes.withFiles(true);
    ConfigureRun run = running(fakes, settings);
    ((ConfigureFakes.FakeGuest) run.vm).alive = false;

    new PowerOffStep(settings).run(run);

    assertThat(((ConfigureFakes.FakeGuest) run.vm).calls).isEmpty();
    assertThat(run.tail.isRunning()).isFalse();
  }

  /** The settings with the reset done by the guest. */
  private static ConfigureSettings guestReset(ConfigureSettings s) {
    return new ConfigureSettings(
        s.image(),
        s.seed(),
        s.vm(),
        new ConfigureSettings.ResetSettings(ConfigureSettings.ResetMode.GUEST, null),
        s.finishedPattern(),
        s.timeout());
  }

  @Test
  void aGuestResetReportedDoneOnTheConsoleCompletesThePowerOff() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = guestReset(fakes.withFiles(false));
    ConfigureRun run = running(fakes, settings);
    run.guestReset = GuestReset.create();
    Files.writeString(
        settings.vm().serialLog(),
        "gen-vm-image-reset "
            + run.guestReset.token()
            + ": done, uptime 10.50 to 11.25\r\nreboot: Power down\r\n");

    new PowerOffStep(settings).run(run);

    assertThat(run.resetTime).hasMillis(750);
  }

  @Test
  void aGuestResetThatWasNotReportedFailsTheRun() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = guestReset(fakes.withFiles(false));
    ConfigureRun run = running(fakes, settings);
    run.guestReset = GuestReset.create();
    Files.writeString(
        settings.vm().serialLog(),
        "gen-vm-image-reset " + run.guestReset.token() + ": installed\nreboot: Power down\n");

    assertThatThrownBy(() -> new PowerOffStep(settings).run(run))
        .isInstanceOfSatisfying(
            GenVmException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.CONFIGURE_FAILED.code()))
        .hasMessageContaining("did not report")
        .hasMessageContaining("the image is unchanged");
  }
}
