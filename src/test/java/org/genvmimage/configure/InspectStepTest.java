package org.genvmimage.configure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InspectStepTest {
  @TempDir Path dir;

  @Test
  void inspectsTheImageTakesItsLockAndChoosesTheTools() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = fakes.withFiles(true);
    InspectStep step = new InspectStep(settings, fakes.tools);
    ConfigureRun run = fakes.run(settings);

    step.run(run);

    assertThat(fakes.qemuImg.calls()).containsExactly("info " + settings.image());
    assertThat(run.imageInfo.format()).isEqualTo("qcow2");
    assertThat(run.emulator).isEqualTo(ConfigureFakes.EMULATOR);
    assertThat(run.acceleration).isEqualTo(ConfigureFakes.TCG);
    assertThat(run.finishedPattern).isNotNull();
    assertThat(run.resetOperations).containsExactly("machine-id", "ssh-hostkeys");
    assertThat(ImageLock.file(settings.image())).exists();
    assertThatThrownBy(() -> ImageLock.probe(settings.image()))
        .isInstanceOfSatisfying(
            GenVmException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT.code()))
        .hasMessageContaining("another configure-vm-image is working on it");

    step.cleanup(run);

    assertThat(ImageLock.file(settings.image())).doesNotExist();
  }

  @Test
  void aPlanChecksTheSameButTakesNoLock() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = fakes.withFiles(false);
    ConfigureRun run = fakes.run(settings);

    new InspectStep(settings, fakes.tools).plan(run);

    assertThat(run.lock).isNull();
    assertThat(ImageLock.file(settings.image())).doesNotExist();
    assertThat(run.acceleration).isEqualTo(ConfigureFakes.TCG);
    assertThat(run.resetOperations).as("--no-reset").isNull();
    assertThat(fakes.sysprep.calls).isEmpty();
  }

  @Test
  void aMissingImageIsInvalidInputBeforeAnyToolRuns() {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = fakes.settings(true);

    assertThatThrownBy(() -> new InspectStep(settings, fakes.tools).run(fakes.run(settings)))
        .isInstanceOfSatisfying(
            GenVmException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT.code()))
        .hasMessageContaining("no such image");
    assertThat(fakes.qemuImg.calls()).isEmpty();
    assertThat(Files.exists(ImageLock.file(settings.image()))).isFalse();
  }
}
