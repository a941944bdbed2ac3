package org.genvmimage.configure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeedStepTest {
  @TempDir Path dir;

  @Test
  void writesTheSeedOfTheCloudInitFiles() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = fakes.withFiles(true);
    ConfigureRun run = fakes.run(settings);

    new SeedStep(settings, fakes.tools).run(run);

    assertThat(settings.seed().output()).exists();
    assertThat(Files.size(settings.seed().output())).isEqualTo(run.seed.imageSize());
    assertThat(run.seed.files()).extracting(f -> f.name()).contains("user-data", "meta-data");
    assertThat(run.seedTime).isNotNull();
  }

  @Test
  void aPlanChecksTheFilesAndWritesNothing() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = fakes.withFiles(true);
    ConfigureRun run = fakes.run(settings);

    new SeedStep(settings, fakes.tools).plan(run);

    assertThat(run.seed.files()).isNotEmpty();
    assertThat(settings.seed().output()).doesNotExist();
  }

  @Test
  void aPlanRejectsAFolderAsSeedOutput() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = fakes.withFiles(true);
    Files.createDirectories(settings.seed().output());

    assertThatThrownBy(() -> new SeedStep(settings, fakes.tools).plan(fakes.run(settings)))
        .isInstanceOfSatisfying(
            GenVmException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT.code()))
        .hasMessageContaining("is a folder");
  }
}
