package org.genvmimage.configure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.time.Duration;
import org.genvmimage.cloudinit.Seed;
import org.genvmimage.cloudinit.SeedBuilder;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/**
 * Checks the cloud-init files and writes the NoCloud seed (ISO 9660, label cidata).
 *
 * <p>Uses the seed settings; produces {@code seed} and the seed file ({@code seedTime}).
 */
final class SeedStep implements ConfigureStep {
  private final ConfigureSettings settings;
  private final ConfigureTools tools;

  SeedStep(ConfigureSettings settings, ConfigureTools tools) {
    this.settings = settings;
    this.tools = tools;
  }

  @Override
  public String name() {
    return "seed";
  }

  @Override
  public void run(ConfigureRun run) throws IOException {
    long start = System.nanoTime();
    run.seed = seed();
    run.seed.write(settings.seed().output());
    tools.console().debug("seed " + settings.seed().output() + ":");
    run.seed.describe().forEach(line -> tools.console().debug("  " + line));
    run.seedTime = Duration.ofNanos(System.nanoTime() - start);
  }

  @Override
  public void plan(ConfigureRun run) {
    run.seed = seed();
    if (Files.isDirectory(settings.seed().output(), LinkOption.NOFOLLOW_LINKS)) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT,
          settings.seed().output() + ": is a folder; the seed output must be a file path");
    }
  }

  /** The seed, checked (exit code 3 for invalid files); its warnings are shown. */
  private Seed seed() {
    ConfigureSettings.SeedSettings files = settings.seed();
    SeedBuilder builder =
        new SeedBuilder()
            .userData(files.userData())
            .metaData(files.metaData())
            .vendorData(files.vendorData(), files.vendorDataRequired());
    if (files.networkConfig() != null) {
      builder.networkConfig(files.networkConfig(), true);
    }
    Seed seed = builder.build();
    for (String warning : seed.warnings()) {
      tools.console().warn(warning);
    }
    return seed;
  }
}
