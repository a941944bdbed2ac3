package org.genvmimage.configure;

import java.nio.file.Path;
import java.time.Duration;
import org.genvmimage.core.Folders;
import org.genvmimage.qemu.Accelerator;
import org.genvmimage.qemu.Firmware;

/**
 * Everything one configure run is told.
 *
 * @param finishedPattern null for cloud-init's own final message
 */
public record ConfigureSettings(
    Path image,
    SeedSettings seed,
    VmSettings vm,
    ResetSettings reset,
    String finishedPattern,
    Duration timeout) {

  /** Where the guest's console is logged when no file is named: console.log beside the seed. */
  public static Path defaultSerialLog(Path seedOutput) {
    return Folders.of(seedOutput).resolve("console.log");
  }

  /**
   * The cloud-init files of the seed and where it is written.
   *
   * @param vendorDataRequired whether a missing vendor-data file is an error (else it is left out)
   * @param networkConfig null to leave network-config out of the seed
   */
  public record SeedSettings(
      Path userData,
      Path metaData,
      Path vendorData,
      boolean vendorDataRequired,
      Path networkConfig,
      Path output) {}

  /**
   * The virtual machine the image boots in.
   *
   * @param cpuModelExplicit whether the user chose the CPU model (else 'host' becomes 'max' under
   *     TCG)
   * @param firmware BIOS, UEFI, or AUTO to choose from the image's partition table
   * @param consoleTimeout how long the console may stay silent before cloud-init starts; zero for
   *     no limit
   */
  public record VmSettings(
      Path qmpSocket,
      Path serialLog,
      String cpuModel,
      boolean cpuModelExplicit,
      Accelerator accelerator,
      int memoryMib,
      int cpus,
      boolean networking,
      Firmware firmware,
      Duration consoleTimeout) {}

  /** How the configured image is generalised. */
  public enum ResetMode {
    /** By the guest itself as it powers off ({@link GuestReset}); the default. */
    GUEST,
    /** By virt-sysprep on the overlay after the guest is off. */
    VIRT_SYSPREP,
    /** Not at all ({@code --no-reset}). */
    NONE;

    /** The name on the command line: guest, virt-sysprep, none. */
    @Override
    public String toString() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * How the image is generalised after the guest is done.
   *
   * @param operations virt-sysprep's operations; null for its defaults
   */
  public record ResetSettings(ResetMode mode, String operations) {
    public ResetSettings {
      java.util.Objects.requireNonNull(mode, "mode");
    }

    /** Whether virt-sysprep runs after the guest is off. */
    public boolean virtSysprep() {
      return mode == ResetMode.VIRT_SYSPREP;
    }

    /** Whether the guest resets itself as it powers off. */
    public boolean guest() {
      return mode == ResetMode.GUEST;
    }
  }
}
