package org.genvmimage.configure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.genvmimage.qemu.RecordingQemuImg;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OverlayStepTest {
  @TempDir Path dir;

  @Test
  void createsTheOverlayInAWorkFolderBesideTheImageAndCleanupRemovesIt() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = fakes.withFiles(true);
    OverlayStep step = new OverlayStep(settings, fakes.tools);
    ConfigureRun run = fakes.run(settings);
    run.imageInfo = RecordingQemuImg.DEFAULT_INFO;

    step.run(run);

    Path work = dir.resolve("generated-images/.image.qcow2.configure");
    assertThat(run.workDir).isEqualTo(work).isDirectory();
    assertThat(run.overlay).isEqualTo(work.resolve("overlay.qcow2"));
    assertThat(fakes.qemuImg.calls())
        .containsExactly("createOverlay " + run.overlay + " " + settings.image() + " qcow2");

    step.cleanup(run);

    assertThat(work).doesNotExist();
    assertThat(settings.image()).hasContent("image");
  }

  @Test
  void aPlanNamesTheSamePathsAndWritesNothing() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = fakes.withFiles(true);
    ConfigureRun run = fakes.run(settings);

    new OverlayStep(settings, fakes.tools).plan(run);

    assertThat(run.overlay)
        .isEqualTo(dir.resolve("generated-images/.image.qcow2.configure/overlay.qcow2"));
    assertThat(run.workDir).doesNotExist();
    assertThat(fakes.qemuImg.calls()).isEmpty();
  }
}
