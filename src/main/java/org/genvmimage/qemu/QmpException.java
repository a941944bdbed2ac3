package org.genvmimage.qemu;

import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/**
 * A QMP command that failed: QEMU answered with an error (then {@link #errorClass()} names it, e.g.
 * {@code GenericError} or {@code CommandNotFound}), gave no answer in time, or the connection
 * closed first. Exit code TOOL_FAILED.
 */
public final class QmpException extends GenVmException {
  private static final long serialVersionUID = 1L;

  private final String command;
  private final String errorClass;

  public QmpException(String command, String errorClass, String message) {
    super(ExitCode.TOOL_FAILED, message);
    this.command = command;
    this.errorClass = errorClass;
  }

  /** The QMP command that failed. */
  public String command() {
    return command;
  }

  /** QEMU's error class when QEMU answered with an error, else null. */
  public String errorClass() {
    return errorClass;
  }
}
