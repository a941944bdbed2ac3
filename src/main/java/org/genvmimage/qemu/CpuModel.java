package org.genvmimage.qemu;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * The {@code -cpu} model, and whether the user chose it. The default, {@code host}, needs KVM;
 * under TCG it is replaced by {@code max} (see {@link AcceleratorChooser}), while a model the user
 * chose that TCG can run (anything but {@code host}) is kept.
 *
 * @param name the model as QEMU names it, e.g. {@code host}, {@code max}, {@code
 *     Skylake-Server,-hle}
 * @param explicit whether the user chose it (as opposed to the default)
 */
public record CpuModel(String name, boolean explicit) {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.,=+-]*");

  /** The model that QEMU calls {@code host}: the host CPU itself, KVM only. */
  public static final String HOST = "host";

  /** The model that TCG uses instead of {@code host}: every feature TCG can emulate. */
  public static final String MAX = "max";

  /** The default: {@code host}, not chosen by the user. */
  public static final CpuModel DEFAULT = new CpuModel(HOST, false);

  public CpuModel {
    Objects.requireNonNull(name);
    if (!NAME.matcher(name).matches()) {
      throw new IllegalArgumentException("invalid CPU model: '" + name + "'");
    }
  }

  /** A model the user chose. */
  public static CpuModel explicit(String name) {
    return new CpuModel(name, true);
  }

  /** The user's choice when given (not null or blank), else {@link #DEFAULT}. */
  public static CpuModel fromOption(String optionValue) {
    return optionValue == null || optionValue.isBlank() ? DEFAULT : explicit(optionValue.strip());
  }

  /** Whether this is the {@code host} model, which only KVM can run. */
  public boolean isHost() {
    return name.equals(HOST) || name.startsWith(HOST + ",");
  }
}
