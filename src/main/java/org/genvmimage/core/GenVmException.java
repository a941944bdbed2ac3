package org.genvmimage.core;

/**
 * A failure the user can act on: a one-line message (no stack trace unless asked for) and the exit
 * code that the commands return for it (see {@link ExitCode}).
 */
public class GenVmException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int exitCode;

  public GenVmException(int exitCode, String message) {
    super(message);
    this.exitCode = exitCode;
  }

  public GenVmException(ExitCode exitCode, String message) {
    this(exitCode.code(), message);
  }

  public GenVmException(ExitCode exitCode, String message, Throwable cause) {
    this(exitCode.code(), message, cause);
  }

  public GenVmException(int exitCode, String message, Throwable cause) {
    super(message, cause);
    this.exitCode = exitCode;
  }

  /** The process exit code that this failure maps to. */
  public int exitCode() {
    return exitCode;
  }
}
