package org.genvmimage.configure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.time.Duration;
import org.genvmimage.cloudinit.IsoWriter;
import org.genvmimage.cloudinit.Seed;
import org.genvmimage.cloudinit.SeedBuilder;
import org.genvmimage.cloudinit.SeedFile;
import org.genvmimage.cloudinit.UserDataParts;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/**
 * Checks the cloud-init files and writes the NoCloud seed (ISO 9660, label cidata).
 *
 * <p>Uses the seed settings; produces {@code seed}, {@code guestReset} (with {@code --reset guest})
 * and the seed file ({@code seedTime}).
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
    run.seed = seed(run);
    run.seed.write(settings.seed().output());
    tools.console().debug("seed " + settings.seed().output() + ":");
    run.seed.describe().forEach(line -> tools.console().debug("  " + line));
    run.seedTime = Duration.ofNanos(System.nanoTime() - start);
  }

  @Override
  public void plan(ConfigureRun run) {
    run.seed = seed(run);
    if (Files.isDirectory(settings.seed().output(), LinkOption.NOFOLLOW_LINKS)) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT,
          settings.seed().output() + ": is a folder; the seed output must be a file path");
    }
  }

  /**
   * The seed, checked (exit code 3 for invalid files), its warnings shown; with {@code --reset
   * guest} its user data carries the reset's script part after the user's own ({@code guestReset}).
   */
  private Seed seed(ConfigureRun run) {
    Seed seed = checkedSeed();
    if (!settings.reset().guest()) {
      return seed;
    }
    run.guestReset = GuestReset.create();
    SeedFile userData =
        seed.files().stream().filter(f -> f.name().equals("user-data")).findFirst().orElseThrow();
    try {
      byte[] merged =
          UserDataParts.withPart(
              seed.userData(),
              "text/x-shellscript",
              GuestReset.PART_NAME,
              run.guestReset.part(),
              run.guestReset.boundary(),
              IsoWriter.MAX_FILE_BYTES);
      if (merged.length > IsoWriter.MAX_FILE_BYTES) {
        throw new IllegalArgumentException(
            "with the reset's script part it is larger than the most a seed file may hold");
      }
      return seed.withUserData(merged, userData.format() + " + reset part");
    } catch (IllegalArgumentException e) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT, userData.source() + ": " + e.getMessage(), e);
    }
  }

  private Seed checkedSeed() {
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
