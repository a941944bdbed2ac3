package org.genvmimage.configure;

import org.genvmimage.qemu.Firmware;
import org.genvmimage.qemu.FirmwareChoice;
import org.genvmimage.qemu.PartitionTable;

/**
 * Chooses the guest's firmware: as {@code --firmware} says, or for {@code auto} from the image's
 * partition table, read through qemu-img in the image's format; for UEFI, finds the firmware files
 * (a clear error naming the package when there are none), before anything is written.
 *
 * <p>Uses {@code imageInfo}, {@code emulator}; produces {@code firmware}. The run's own copy of the
 * variables store is made by {@link BootStep} in the work folder.
 */
final class FirmwareStep implements ConfigureStep {
  private final ConfigureSettings settings;
  private final ConfigureTools tools;

  FirmwareStep(ConfigureSettings settings, ConfigureTools tools) {
    this.settings = settings;
    this.tools = tools;
  }

  @Override
  public String name() {
    return "firmware";
  }

  @Override
  public void plan(ConfigureRun run) {
    Firmware requested = settings.vm().firmware();
    PartitionTable.Choice choice =
        switch (requested) {
          case BIOS -> new PartitionTable.Choice(Firmware.BIOS, "--firmware bios");
          case UEFI -> new PartitionTable.Choice(Firmware.UEFI, "--firmware uefi");
          case AUTO -> {
            byte[] head =
                tools
                    .qemuImg()
                    .head(settings.image(), run.imageInfo.format(), PartitionTable.HEAD_BYTES);
            PartitionTable.Choice found = PartitionTable.read(head).bootFirmware();
            yield new PartitionTable.Choice(
                found.firmware(), "the image has " + found.reason() + " (--firmware auto)");
          }
        };
    run.firmware =
        new FirmwareChoice(
            choice.firmware(),
            choice.reason(),
            choice.firmware() == Firmware.UEFI ? tools.firmwares().uefi(run.emulator) : null);
  }

  @Override
  public void run(ConfigureRun run) {
    plan(run);
    tools.console().info("firmware: " + run.firmware.describe());
  }
}
