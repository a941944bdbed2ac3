package org.genvmimage.qemu;

import java.util.Objects;

/**
 * The resolved accelerator and CPU model for one VM, and why, as one line to log.
 *
 * @param accelerator {@link Accelerator#KVM} or {@link Accelerator#TCG}, never AUTO
 * @param cpuModel the {@code -cpu} value to pass
 * @param reason e.g. "using TCG: /dev/kvm is missing; CPU model max instead of host"
 */
public record AcceleratorChoice(Accelerator accelerator, String cpuModel, String reason) {
  public AcceleratorChoice {
    Objects.requireNonNull(accelerator);
    Objects.requireNonNull(cpuModel);
    Objects.requireNonNull(reason);
    if (accelerator == Accelerator.AUTO) {
      throw new IllegalArgumentException("a choice is KVM or TCG, not AUTO");
    }
  }

  /**
   * The accelerator, why, and the CPU model, each said once: the reason, followed by the CPU model
   * unless the reason already names it ("using TCG: ...; CPU model max instead of host").
   */
  public String describe() {
    String cpu = "CPU model " + cpuModel;
    return reason.contains(cpu) ? reason : reason + "; " + cpu;
  }
}
