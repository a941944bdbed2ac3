package org.genvmimage.qemu;

import java.nio.file.Path;
import java.util.Objects;

/**
 * UEFI firmware as QEMU runs it from two pflash drives: the code (read-only) and a template of the
 * variables store, which each run copies for itself.
 *
 * @param code the firmware code
 * @param codeFormat its image format, {@code raw} or {@code qcow2}
 * @param varsTemplate the empty variables store that runs copy
 * @param varsFormat its image format
 * @param descriptor the QEMU firmware descriptor (JSON) that named them, or null when they were
 *     found at a path that a distribution uses
 */
public record UefiFirmware(
    Path code, String codeFormat, Path varsTemplate, String varsFormat, Path descriptor) {
  public UefiFirmware {
    Objects.requireNonNull(code, "code");
    Objects.requireNonNull(codeFormat, "codeFormat");
    Objects.requireNonNull(varsTemplate, "varsTemplate");
    Objects.requireNonNull(varsFormat, "varsFormat");
  }

  /**
   * The file name of a run's own copy of the variables store: {@code efivars.fd} or {@code .qcow2}.
   */
  public String varsCopyName() {
    return "efivars." + ("raw".equals(varsFormat) ? "fd" : varsFormat);
  }

  /** "CODE (raw) with a copy of VARS (raw), from DESCRIPTOR". */
  public String describe() {
    return code
        + " ("
        + codeFormat
        + ") with a copy of "
        + varsTemplate
        + " ("
        + varsFormat
        + ")"
        + (descriptor == null ? "" : ", from " + descriptor);
  }
}
