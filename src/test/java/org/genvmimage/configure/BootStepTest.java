package org.genvmimage.configure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.genvmimage.qemu.RecordingQemuImg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BootStepTest {
  @TempDir Path dir;

  private ConfigureRun inspected(ConfigureFakes fakes, ConfigureSettings settings) {
    ConfigureRun run = fakes.run(settings);
    run.imageInfo = RecordingQemuImg.DEFAULT_INFO;
    run.emulator = ConfigureFakes.EMULATOR;
    run.acceleration = ConfigureFakes.TCG;
    run.finishedPattern = InspectStep.finishedPattern(null);
    new OverlayStep(settings, fakes.tools).plan(run);
    return run;
  }

  @Test
  void startsQemuOnTheOverlayWithTheSeedAndCleanupStopsIt() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = fakes.withFiles(true);
    BootStep step = new BootStep(settings, fakes.tools);
    ConfigureRun run = inspected(fakes, settings);

    step.run(run);

    assertThat(fakes.launcher.started).containsExactly(run.command);
    assertThat(run.command.arguments())
        .startsWith(ConfigureFakes.EMULATOR.toString())
        .anySatisfy(a -> assertThat(a).contains(run.overlay.toString()))
        .anySatisfy(a -> assertThat(a).contains(settings.seed().output().toString()))
        .anySatisfy(a -> assertThat(a).contains("path=" + settings.vm().qmpSocket() + ","));
    assertThat(settings.vm().serialLog()).exists().isEmptyFile();
    assertThat(run.watcher).isNotNull();
    assertThat(run.tail.isRunning()).isTrue();
    ConfigureFakes.FakeGuest guest = fakes.launcher.guests.get(0);
    assertThat(run.vm).isSameAs(guest);

    step.cleanup(run);

    assertThat(guest.calls).containsExactly("close");
    assertThat(run.tail.isRunning()).isFalse();
  }

  @Test
  void thePlannedArgumentsAreTheArgumentsTheLauncherIsGiven() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = fakes.withFiles(true);
    BootStep step = new BootStep(settings, fakes.tools);
    ConfigureRun planned = inspected(fakes, settings);
    step.plan(planned);
    ConfigureRun run = inspected(fakes, settings);

    try {
      step.run(run);
    } finally {
      step.cleanup(run);
    }

    assertThat(planned.command.arguments())
        .isEqualTo(fakes.launcher.started.get(0).arguments())
        .isNotEmpty();
    assertThat(fakes.launcher.started).hasSize(1);
  }

  @Test
  void aPlanThroughTheConfiguratorShowsTheLaunchedArguments() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = fakes.withFiles(true);
    ConfigurePlan plan = new Configurator(settings, fakes.tools).plan();
    BootStep step = new BootStep(settings, fakes.tools);
    ConfigureRun run = inspected(fakes, settings);

    try {
      step.run(run);
    } finally {
      step.cleanup(run);
    }

    assertThat(plan.command()).isEqualTo(fakes.launcher.started.get(0).arguments());
  }
}
