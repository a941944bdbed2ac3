package org.genvmimage.qemu;

import java.nio.file.Path;
import java.util.Objects;

/**
 * The firmware a guest boots with, and why.
 *
 * @param firmware BIOS or UEFI, never AUTO
 * @param reason why: the option, or what the image's partition table showed
 * @param uefi the UEFI firmware files; null for BIOS
 */
public record FirmwareChoice(Firmware firmware, String reason, UefiFirmware uefi) {
  public FirmwareChoice {
    Objects.requireNonNull(firmware, "firmware");
    Objects.requireNonNull(reason, "reason");
    if (firmware == Firmware.AUTO) {
      throw new IllegalArgumentException("resolve AUTO from the partition table first");
    }
    if ((firmware == Firmware.UEFI) != (uefi != null)) {
      throw new IllegalArgumentException("UEFI, and only UEFI, needs firmware files");
    }
  }

  /** The pflash drives of a run whose variables store copy is {@code vars}; null for BIOS. */
  public QemuSystemCommand.Pflash pflash(Path vars) {
    return uefi == null
        ? null
        : new QemuSystemCommand.Pflash(uefi.code(), uefi.codeFormat(), vars, uefi.varsFormat());
  }

  /** One line for logs and the dry run: "UEFI (...): reason" or "BIOS: reason". */
  public String describe() {
    return firmware == Firmware.UEFI
        ? "UEFI, " + uefi.describe() + ": " + reason
        : "BIOS (QEMU's default): " + reason;
  }
}
