package org.genvmimage.configure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ResetStepTest {
  @TempDir Path dir;

  private ConfigureRun configured(ConfigureFakes fakes, ConfigureSettings settings) {
    ConfigureRun run = fakes.run(settings);
    run.acceleration = ConfigureFakes.TCG;
    run.overlay = dir.resolve("overlay.qcow2");
    run.resetOperations = List.of("machine-id", "ssh-hostkeys");
    return run;
  }

  @Test
  void runsVirtSysprepOnTheOverlayAsPlanned() {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = fakes.settings(true);
    ResetStep step = new ResetStep(settings, fakes.tools);
    ConfigureRun planned = configured(fakes, settings);
    step.plan(planned);
    ConfigureRun run = configured(fakes, settings);

    step.run(run);

    List<String> command =
        List.of(
            "virt-sysprep",
            "--format",
            "qcow2",
            "-a",
            run.overlay.toString(),
            "--operations",
            "machine-id,ssh-hostkeys,-customize");
    Map<String, String> env =
        Map.of("LIBGUESTFS_BACKEND", "direct", "LIBGUESTFS_BACKEND_SETTINGS", "force_tcg");
    assertThat(run.reset.command()).isEqualTo(command);
    assertThat(run.reset.environment()).isEqualTo(env);
    assertThat(fakes.sysprep.calls)
        .containsExactly("run " + String.join(" ", command) + " " + run.reset.environment());
    assertThat(planned.reset).isEqualTo(run.reset);
    assertThat(run.resetTime).isNotNull();
  }

  @Test
  void noResetRunsNothingAndPlansNothing() {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = fakes.settings(false);
    ResetStep step = new ResetStep(settings, fakes.tools);
    ConfigureRun run = configured(fakes, settings);

    step.plan(run);
    step.run(run);

    assertThat(run.reset).isNull();
    assertThat(run.resetTime).isNull();
    assertThat(fakes.sysprep.calls).isEmpty();
  }
}
