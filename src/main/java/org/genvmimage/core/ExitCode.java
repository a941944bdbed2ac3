package org.genvmimage.core;

/** The exit codes of both commands; the README documents the same table. */
public final class ExitCode {
  /** Done, or already up to date. */
  public static final int OK = 0;

  /** An unexpected internal error (a bug): run again with --stacktrace and report it. */
  public static final int INTERNAL = 1;

  /** The command line was wrong (picocli's default for usage errors). */
  public static final int USAGE = 2;

  /** An input file (architecture file, cloud-init file) is missing or invalid. */
  public static final int INVALID_INPUT = 3;

  /** A download failed: HTTP status, network error or timeout. */
  public static final int DOWNLOAD_FAILED = 4;

  /** A downloaded file did not match its checksum. */
  public static final int CHECKSUM_MISMATCH = 5;

  /** An external tool (qemu-img, qemu, virt-sysprep) failed, or its input was not usable. */
  public static final int TOOL_FAILED = 6;

  /** A required external tool is not installed. */
  public static final int TOOL_MISSING = 7;

  /** The output exists and differs; pass --overwrite to replace it. */
  public static final int OUTPUT_EXISTS = 8;

  /** Configuring timed out, or the guest failed. */
  public static final int CONFIGURE_FAILED = 9;

  /** Interrupted (Ctrl-C or SIGTERM). */
  public static final int INTERRUPTED = 130;

  private ExitCode() {}
}
