package org.genvmimage.qemu;

import java.util.Locale;

/**
 * How QEMU executes the guest: {@link #KVM} (hardware-assisted, fast), {@link #TCG} (QEMU's own
 * translator: slow but works everywhere), or {@link #AUTO}, which {@link AcceleratorChooser}
 * resolves to one of the two for this host.
 */
public enum Accelerator {
  AUTO,
  KVM,
  TCG;

  /** The name for {@code -accel}; AUTO has none, as it must be resolved first. */
  public String qemuName() {
    if (this == AUTO) {
      throw new IllegalStateException("AUTO must be resolved to KVM or TCG first");
    }
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The lowercase name, as users type it ({@code --accel tcg}) and as help, completion and error
   * messages show it.
   */
  @Override
  public String toString() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Parses {@code auto}, {@code kvm} or {@code tcg}, in any case. */
  public static Accelerator parse(String text) {
    try {
      return valueOf(text.strip().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "unknown accelerator '" + text + "' (expected auto, kvm or tcg)", e);
    }
  }
}
