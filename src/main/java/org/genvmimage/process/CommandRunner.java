package org.genvmimage.process;

import org.genvmimage.core.GenVmException;

/** Runs external commands; {@link ProcessRunner} for real, a fake in unit tests. */
public interface CommandRunner {
  /**
   * Runs the command and waits for it.
   *
   * @return the result, when the exit code is one of {@link CommandSpec#okExitCodes()}
   * @throws GenVmException TOOL_MISSING when the program cannot be started, TOOL_FAILED on another
   *     exit code or on timeout, INTERRUPTED when the calling thread is interrupted (the process is
   *     killed first)
   */
  ProcessResult run(CommandSpec spec);
}
