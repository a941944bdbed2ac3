package org.genvmimage.configure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitStepTest {
  @TempDir Path dir;

  @Test
  void flattensTheOverlayAndRenamesItOverTheImageWithTheImagesMode() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = fakes.withFiles(true);
    Files.setPosixFilePermissions(settings.image(), PosixFilePermissions.fromString("rw-r-----"));
    ConfigureRun run = fakes.run(settings);
    run.lock = ImageLock.take(settings.image());
    new OverlayStep(settings, fakes.tools).plan(run);
    Files.createDirectories(run.workDir);
    Files.writeString(run.overlay, "configured");

    new CommitStep(settings, fakes.tools).run(run);

    assertThat(fakes.qemuImg.calls())
        .containsExactly(
            "convert " + run.overlay + " qcow2 " + run.workDir.resolve("configured.qcow2"));
    assertThat(settings.image()).hasContent("configured");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(settings.image())))
        .isEqualTo("rw-r-----");
    assertThat(run.workDir).doesNotExist();
    assertThat(ImageLock.file(settings.image())).as("lock released").doesNotExist();
    assertThat(run.commit).isNotNull();
  }

  @Test
  void aFailedConvertLeavesTheImageAsItWas() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = fakes.withFiles(true);
    fakes.qemuImg.failOn("convert");
    ConfigureRun run = fakes.run(settings);
    OverlayStep overlay = new OverlayStep(settings, fakes.tools);
    overlay.plan(run);
    Files.createDirectories(run.workDir);

    try {
      new CommitStep(settings, fakes.tools).run(run);
    } catch (RuntimeException expected) {
      overlay.cleanup(run);
    }

    assertThat(settings.image()).hasContent("image");
    assertThat(run.workDir).doesNotExist();
    assertThat(run.commit).isNull();
  }
}
