package org.genvmimage.configure;

import java.io.IOException;
import java.time.Duration;
import java.util.Optional;
import org.genvmimage.console.Units;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.qemu.QemuVm;

/**
 * Shuts the guest down over QMP (ACPI power button, then quit after a grace period) and stops
 * reading the console; a guest that does not shut down cleanly fails the run. With {@code --reset
 * guest} the guest resets itself as it shuts down: a run whose guest did not report the reset done
 * on its console fails too.
 *
 * <p>Uses {@code vm}, {@code tail}, {@code guestReset}, {@code progress}; produces {@code powerOff}
 * and, with {@code --reset guest}, {@code resetTime} (the guest's own time for the reset, a part of
 * {@code powerOff}).
 */
final class PowerOffStep implements ConfigureStep {
  /** How long the guest gets to shut down after the ACPI power button, before {@code quit}. */
  static final Duration GRACE = Duration.ofSeconds(60);

  private final ConfigureSettings settings;
  private final Duration grace;

  PowerOffStep(ConfigureSettings settings) {
    this(settings, GRACE);
  }

  PowerOffStep(ConfigureSettings settings, Duration grace) {
    this.settings = settings;
    this.grace = grace;
  }

  @Override
  public String name() {
    return "power off";
  }

  @Override
  public void run(ConfigureRun run) throws IOException {
    long start = System.nanoTime();
    if (run.vm.isAlive()) {
      run.progress.step(settings.reset().guest() ? "powering off, resetting" : "powering off");
      QemuVm.PowerOff result = run.vm.powerOff(grace);
      if (!result.clean()) {
        throw new GenVmException(
            ExitCode.CONFIGURE_FAILED,
            "the guest did not shut down within "
                + Units.duration(grace)
                + " of the ACPI power button (qemu: "
                + result.ending()
                + "); its file systems may be unclean, so the image is left unchanged"
                + ConsoleTail.of(settings.vm().serialLog()));
      }
    }
    run.tail.close();
    run.powerOff = Duration.ofNanos(System.nanoTime() - start);
    if (settings.reset().guest() && run.guestReset != null) {
      GuestReset.Report report = run.guestReset.report(settings.vm().serialLog());
      Optional<String> problem = report.problem();
      if (problem.isPresent()) {
        throw new GenVmException(
            ExitCode.CONFIGURE_FAILED,
            problem.get()
                + "; the image is unchanged (--reset virt-sysprep resets it from outside)"
                + ConsoleTail.of(settings.vm().serialLog()));
      }
      run.resetTime = report.took();
    }
  }
}
