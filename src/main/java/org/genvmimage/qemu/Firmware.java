package org.genvmimage.qemu;

import java.util.Locale;

/** The firmware a guest boots with: BIOS (QEMU's default, SeaBIOS), UEFI (OVMF), or auto. */
public enum Firmware {
  /** Chosen from the image's partition table ({@link PartitionTable#bootFirmware}). */
  AUTO,
  /** QEMU's default firmware (SeaBIOS on x86). */
  BIOS,
  /** UEFI firmware (OVMF, from edk2), on pflash drives. */
  UEFI;

  /** The name as options and reports spell it: {@code auto}, {@code bios}, {@code uefi}. */
  public String option() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** As {@link #option()}: help texts show defaults so. */
  @Override
  public String toString() {
    return option();
  }
}
