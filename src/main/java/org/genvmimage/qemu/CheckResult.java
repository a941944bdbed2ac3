package org.genvmimage.qemu;

/**
 * The outcome of {@code qemu-img check}; the caller decides what fails (see {@link #ok()}).
 *
 * @param status what the exit code says
 * @param leakedClusters clusters allocated but unused (harmless, they waste space)
 * @param corruptions metadata errors that can lose data
 * @param detail one line for the user: counts, and qemu-img's last stderr lines when they matter
 */
public record CheckResult(Status status, long leakedClusters, long corruptions, String detail) {

  /** The meaning of qemu-img check's exit code. */
  public enum Status {
    /** Exit 0: no errors. */
    CLEAN,
    /** Exit 3: only leaked clusters, the image is fine. */
    LEAKED,
    /** Exit 2: the image is corrupted. */
    CORRUPT,
    /** Exit 1: the check could not be completed (cannot open, internal errors). */
    ERROR,
    /** Exit 63: the format has no consistency check (e.g. raw). */
    NOT_SUPPORTED;

    /** The status for a qemu-img check exit code, or null when qemu-img does not define it. */
    static Status ofExitCode(int code) {
      return switch (code) {
        case 0 -> CLEAN;
        case 1 -> ERROR;
        case 2 -> CORRUPT;
        case 3 -> LEAKED;
        case 63 -> NOT_SUPPORTED;
        default -> null;
      };
    }
  }

  /** True when the image can be used: clean, only leaks, or not checkable. */
  public boolean ok() {
    return status == Status.CLEAN || status == Status.LEAKED || status == Status.NOT_SUPPORTED;
  }
}
