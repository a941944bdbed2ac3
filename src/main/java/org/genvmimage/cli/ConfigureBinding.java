package org.genvmimage.cli;

import org.genvmimage.configure.ConfigureSettings;
import picocli.CommandLine.ParseResult;

/**
 * configure-vm-image's options as the library's {@link ConfigureSettings}: the values bound, and
 * which defaults the user overrode (a vendor-data file named must exist; a CPU model named is kept
 * under TCG).
 */
final class ConfigureBinding {
  private ConfigureBinding() {}

  /** The settings of one run, from the command's parsed options. */
  static ConfigureSettings settings(
      ConfigureVmImageCommand c, ConfigureSettings.ResetMode resetMode) {
    ParseResult parsed = c.spec.commandLine().getParseResult();
    return new ConfigureSettings(
        c.imageInputPath,
        new ConfigureSettings.SeedSettings(
            c.userDataPath,
            c.metaDataPath,
            c.vendorDataPath,
            parsed.hasMatchedOption("--config-vendor-data-path"),
            c.networkConfigPath,
            c.seedOutputPath),
        new ConfigureSettings.VmSettings(
            c.imageQemuSocketPath,
            c.serialLogPath(),
            c.cpuModel,
            parsed.hasMatchedOption("--qemu-cpu-model"),
            c.accel,
            c.memoryMib,
            c.cpus,
            c.network == ConfigureVmImageCommand.Network.user,
            c.boot.firmware,
            c.boot.consoleTimeout),
        new ConfigureSettings.ResetSettings(resetMode, c.resetOperations),
        c.finishedPattern,
        c.timeout);
  }
}
