package org.genvmimage.cli;

import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import org.genvmimage.configure.ConfigureSettings.ResetMode;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** {@code --reset guest|virt-sysprep|none}: the names of the reset modes, and their completion. */
final class ResetModes implements ITypeConverter<ResetMode>, Iterable<String> {
  private static final List<String> NAMES = List.of("guest", "virt-sysprep", "none");

  /** The mode's name on the command line. */
  static String name(ResetMode mode) {
    return mode.toString();
  }

  @Override
  public ResetMode convert(String value) {
    for (ResetMode mode : ResetMode.values()) {
      if (name(mode).equals(value.strip().toLowerCase(Locale.ROOT))) {
        return mode;
      }
    }
    throw new TypeConversionException(
        "'" + value + "' is not a reset mode; choose one of " + String.join(", ", NAMES));
  }

  @Override
  public Iterator<String> iterator() {
    return NAMES.iterator();
  }
}
