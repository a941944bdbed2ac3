package org.genvmimage.configure;

import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Generalises the configured overlay with virt-sysprep ({@code --reset virt-sysprep}), within what
 * is left of {@code --timeout}. With {@code --reset guest} the guest has done it as it powered off
 * ({@link GuestReset}); this step only plans it.
 *
 * <p>Uses {@code overlay}, {@code acceleration}, {@code resetOperations}, {@code progress};
 * produces {@code reset} (the virt-sysprep run) and {@code resetTime}.
 */
final class ResetStep implements ConfigureStep {
  private final ConfigureSettings settings;
  private final ConfigureTools tools;

  ResetStep(ConfigureSettings settings, ConfigureTools tools) {
    this.settings = settings;
    this.tools = tools;
  }

  @Override
  public String name() {
    return "reset";
  }

  /** The virt-sysprep run: its argument list, environment and operations. */
  ConfigurePlan.Reset reset(ConfigureRun run) {
    return new ConfigurePlan.Reset(
        "virt-sysprep",
        tools.sysprep().command(run.overlay, "qcow2", settings.reset().operations()),
        VirtSysprep.environment(run.tcg()),
        run.resetOperations);
  }

  @Override
  public void plan(ConfigureRun run) {
    if (settings.reset().virtSysprep()) {
      run.reset = reset(run);
    } else if (settings.reset().guest()) {
      run.reset = new ConfigurePlan.Reset("guest", List.of(), Map.of(), GuestReset.operations());
    }
  }

  @Override
  public void run(ConfigureRun run) {
    if (settings.reset().guest()) {
      plan(run); // done by the guest as it powered off; checked by the power-off step
      return;
    }
    if (!settings.reset().virtSysprep()) {
      return;
    }
    long start = System.nanoTime();
    run.progress.step("resetting with virt-sysprep");
    run.reset = reset(run);
    Duration left = settings.timeout().minus(Duration.ofNanos(start - run.startNanos));
    tools.sysprep().run(run.reset.command(), run.reset.environment(), left);
    run.resetTime = Duration.ofNanos(System.nanoTime() - start);
  }
}
