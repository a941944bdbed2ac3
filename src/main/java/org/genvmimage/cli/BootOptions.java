package org.genvmimage.cli;

import java.time.Duration;
import org.genvmimage.qemu.Firmware;
import picocli.CommandLine.Option;

/** configure-vm-image's options for how the guest boots: its firmware, and a silent console. */
public final class BootOptions {
  @Option(
      names = "--firmware",
      paramLabel = "auto|bios|uefi",
      description =
          "The guest's firmware: bios (QEMU's default, SeaBIOS), uefi (OVMF, from the ovmf"
              + " package on Debian and Ubuntu, edk2-ovmf on Fedora and RHEL; each run gets its"
              + " own copy of the variables store), or auto: UEFI for an image whose partition"
              + " table is a GPT with an EFI system partition and no BIOS boot partition (or an"
              + " MBR whose only way to boot is an EFI system partition), else BIOS.")
  Firmware firmware = Firmware.AUTO;

  @Option(
      names = "--console-timeout",
      paramLabel = "DURATION",
      defaultValue = "3m",
      converter = Converters.DurationConverter.class,
      description =
          "Give up when the guest's serial console stays silent this long before cloud-init"
              + " starts (an image that does not boot, or whose kernel does not print to"
              + " console=ttyS0): the VM is stopped and the image left as it was. 0: no limit."
              + " Once cloud-init runs, only --timeout applies.")
  Duration consoleTimeout = Duration.ofMinutes(3);
}
