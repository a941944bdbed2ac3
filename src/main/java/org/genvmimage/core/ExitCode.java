package org.genvmimage.core;

/**
 * The exit codes of both commands, each with its meaning: the one source of the commands' help, the
 * man pages and the README's table.
 */
public enum ExitCode {
  /** Done, or already up to date. */
  OK(0, "done, or already up to date"),

  /** An unexpected internal error (a bug): run again with --stacktrace and report it. */
  INTERNAL(1, "unexpected internal error (run again with --stacktrace and report it)"),

  /** The command line was wrong (picocli's default for usage errors). */
  USAGE(
      2,
      "usage error: unknown option, bad option value, unknown --image key, a cache delete"
          + " checksum prefix that matches several entries"),

  /** An input file (architecture file, cloud-init file) is missing or invalid. */
  INVALID_INPUT(
      3,
      "invalid input: missing or invalid architecture file or cloud-init file, a size below the"
          + " base image's, an output folder that cannot be created or written, a missing image"
          + " to configure, a cache delete checksum that matches no entry; for verify, a missing"
          + " output, SHA256SUMS or line"),

  /** A download failed: HTTP status, network error or timeout. */
  DOWNLOAD_FAILED(
      4,
      "download failed: HTTP error status, network error, stalled transfer, a sums file without"
          + " the image's name"),

  /** A downloaded file did not match its checksum, or a signed sums file did not verify. */
  CHECKSUM_MISMATCH(
      5,
      "checksum mismatch (the download is discarded), or a sums file whose signature does not"
          + " verify with its signed_by keys (nothing is downloaded); for verify, an output whose"
          + " SHA-256, format or virtual size does not match"),

  /** An external tool (qemu-img, qemu, virt-sysprep) failed, or its input was not usable. */
  TOOL_FAILED(
      6,
      "an external tool or the file system failed (qemu-img, qemu, virt-sysprep; a full disk,"
          + " with the free space the download needs; an image that cannot be given to"
          + " --generated-image-owner; a SHA256SUMS that cannot be written), or the download is not a usable disk image"),

  /** A required external tool is not installed. */
  TOOL_MISSING(7, "a required tool is missing (the message names the package to install)"),

  /** The output exists and differs; pass --overwrite to replace it. */
  OUTPUT_EXISTS(
      8, "the output exists and was not built from this checksum and size: pass --overwrite"),

  /** Configuring timed out, or the guest failed. */
  CONFIGURE_FAILED(
      9,
      "configuring timed out, the guest failed (kernel panic, qemu ended, a console silent"
          + " for --console-timeout), or it did not shut down when asked; the image is left as"
          + " it was"),

  /** Interrupted (Ctrl-C or SIGTERM). */
  INTERRUPTED(130, "interrupted (Ctrl-C); the output is left as it was");

  private final int code;
  private final String meaning;

  ExitCode(int code, String meaning) {
    this.code = code;
    this.meaning = meaning;
  }

  /** The process exit status. */
  public int code() {
    return code;
  }

  /** What the status means, one sentence without a final period (the README's wording). */
  public String meaning() {
    return meaning;
  }

  /** The constant of a process exit status. */
  public static ExitCode of(int code) {
    for (ExitCode c : values()) {
      if (c.code == code) {
        return c;
      }
    }
    throw new IllegalArgumentException("not an exit code of these commands: " + code);
  }
}
