package org.genvmimage.configure;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.genvmimage.cloudinit.CloudInitWatcher;
import org.genvmimage.console.Units;
import org.genvmimage.core.DaemonThreads;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.core.IoErrors;
import org.genvmimage.qemu.QmpSocketPath;
import org.genvmimage.step.StepRunner;

/**
 * Configures one image, in steps: Inspect -> Firmware -> Seed -> Overlay -> Boot -> AwaitCloudInit
 * -> PowerOff -> Reset -> Commit. The guest runs on a qcow2 overlay; virt-sysprep works on the
 * overlay too; only the last step writes the result beside the image and renames it over the image.
 * A failure, a timeout or Ctrl-C at any point leaves the image byte for byte as it was, and no qemu
 * running.
 */
public final class Configurator {
  private final ConfigureSettings settings;
  private final ConfigureTools tools;
  private volatile Thread worker;
  private volatile ConfigureRun current;
  private volatile boolean cancelled;
  private volatile boolean timedOut;

  public Configurator(ConfigureSettings settings, ConfigureTools tools) {
    this.settings = settings;
    this.tools = tools;
  }

  /** The steps of a run, in order; a dry run asks the same steps for their plan. */
  List<ConfigureStep> steps() {
    return List.of(
        new InspectStep(settings, tools),
        new FirmwareStep(settings, tools),
        new SeedStep(settings, tools),
        new OverlayStep(settings, tools),
        new BootStep(settings, tools),
        new AwaitCloudInitStep(settings, tools),
        new PowerOffStep(settings),
        new ResetStep(settings, tools),
        new CommitStep(settings, tools));
  }

  /**
   * Runs the whole configure on the calling thread.
   *
   * @throws GenVmException with the exit code of the failure
   */
  public ConfigureResult run() {
    worker = Thread.currentThread();
    ConfigureRun run = new ConfigureRun();
    current = run;
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("configure-timeout"));
    timer.schedule(
        () -> {
          timedOut = true;
          worker.interrupt();
        },
        settings.timeout().toMillis(),
        TimeUnit.MILLISECONDS);
    run.progress = new ConfigureProgress(tools.console(), settings.image(), run.startNanos);
    try {
      StepRunner.run(steps(), run);
      run.total = Duration.ofNanos(System.nanoTime() - run.startNanos);
      return result(run);
    } catch (Exception e) {
      throw classify(failure(e));
    } finally {
      run.progress.close();
      if (run.total == null) {
        run.total = Duration.ofNanos(System.nanoTime() - run.startNanos);
      }
      timer.shutdownNow();
      Thread.interrupted();
    }
  }

  /**
   * What the last {@link #run()} found and how long its steps took, also when it failed (what it
   * did not reach is null); empty before a run.
   */
  public Optional<ConfigureResult> result() {
    ConfigureRun run = current;
    return run == null ? Optional.empty() : Optional.of(result(run));
  }

  private ConfigureResult result(ConfigureRun run) {
    return new ConfigureResult(
        settings.image(),
        run.imageInfo == null ? null : run.imageInfo.format(),
        run.imageInfo == null ? null : run.imageInfo.virtualSize(),
        run.acceleration == null ? null : run.acceleration.accelerator().name(),
        run.firmware,
        cloudInit(run.watcher),
        new ConfigureResult.Durations(
            run.seedTime, run.bootToFinished, run.powerOff, run.resetTime, run.commit, run.total),
        settings.vm().serialLog());
  }

  private static ConfigureResult.CloudInit cloudInit(CloudInitWatcher watcher) {
    if (watcher == null) {
      return ConfigureResult.CloudInit.NONE;
    }
    return new ConfigureResult.CloudInit(
        watcher.version().orElse(null),
        watcher.datasource().orElse(null),
        watcher.stages(),
        watcher
            .finished()
            .map(CloudInitWatcher.Finished::uptime)
            .map(u -> u.toMillis() / 1000.0)
            .orElse(null),
        watcher.problems());
  }

  /**
   * What a run would do, for {@code --dry-run}: the run's steps asked for their plan, so the same
   * checks as a run makes before it boots (image, emulator, accelerator, cloud-init files, {@code
   * --finished-pattern}, QMP socket path, virt-sysprep operations) with the same exit codes, and
   * nothing written: no lock, seed, overlay, socket or console log.
   *
   * @throws GenVmException with the exit code a run would end with
   */
  public ConfigurePlan plan() {
    ConfigureRun run = new ConfigureRun();
    try {
      StepRunner.plan(steps(), run);
    } catch (Exception e) {
      throw failure(e);
    }
    return plan(run);
  }

  /** A step's failure with its exit code: its own, or that of its kind. */
  private static GenVmException failure(Exception e) {
    if (e instanceof GenVmException g) {
      return g;
    } else if (e instanceof InterruptedException) {
      return new GenVmException(ExitCode.INTERRUPTED, "interrupted", e);
    } else if (e instanceof IOException io) {
      return new GenVmException(ExitCode.TOOL_FAILED, IoErrors.reason(io), e);
    }
    return new GenVmException(ExitCode.INTERNAL, "unexpected error: " + e, e);
  }

  /** The plan that the steps left in the context. */
  private ConfigurePlan plan(ConfigureRun run) {
    Path socket = settings.vm().qmpSocket().toAbsolutePath().normalize();
    return new ConfigurePlan(
        settings.image(),
        run.imageInfo,
        run.acceleration,
        run.firmware,
        BootStep.varsCopy(run),
        run.emulator,
        run.command.arguments(),
        settings.seed().output(),
        run.seed.imageSize(),
        run.seed.files(),
        run.seed.warnings(),
        run.overlay,
        socket,
        !QmpSocketPath.fits(socket),
        settings.vm().serialLog(),
        run.reset,
        settings.image());
  }

  /** Ctrl-C: stops the run; it cleans up and ends with INTERRUPTED. */
  public void cancel() {
    cancelled = true;
    Thread t = worker;
    if (t != null) {
      t.interrupt();
    }
  }

  private GenVmException classify(GenVmException e) {
    if (timedOut) {
      return new GenVmException(
          ExitCode.CONFIGURE_FAILED,
          "timed out after "
              + Units.duration(settings.timeout())
              + " (--timeout); the image is unchanged"
              + ConsoleTail.of(settings.vm().serialLog()),
          e);
    }
    if (cancelled) {
      return new GenVmException(ExitCode.INTERRUPTED, "interrupted; the image is unchanged", e);
    }
    return e;
  }
}
