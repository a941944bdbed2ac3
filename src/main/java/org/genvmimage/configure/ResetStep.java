package org.genvmimage.configure;

import java.time.Duration;

/**
 * Generalises the configured overlay with virt-sysprep (unless {@code --no-reset}), within what is
 * left of {@code --timeout}.
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
        tools.sysprep().command(run.overlay, "qcow2", settings.reset().operations()),
        VirtSysprep.environment(run.tcg()),
        run.resetOperations);
  }

  @Override
  public void plan(ConfigureRun run) {
    if (settings.reset().enabled()) {
      run.reset = reset(run);
    }
  }

  @Override
  public void run(ConfigureRun run) {
    if (!settings.reset().enabled()) {
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
