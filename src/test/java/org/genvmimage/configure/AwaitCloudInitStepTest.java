package org.genvmimage.configure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.genvmimage.cloudinit.CloudInitWatcher;
import org.genvmimage.cloudinit.LogTail;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
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
}
