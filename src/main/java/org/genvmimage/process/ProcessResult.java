package org.genvmimage.process;

import java.time.Duration;
import java.util.List;

/**
 * A finished command whose exit code counted as success. {@code stdout} and {@code stderr} hold at
 * most the last {@value ProcessRunner#CAPTURE_BYTES} bytes of each stream, decoded as UTF-8.
 */
public record ProcessResult(
    List<String> command, int exitCode, String stdout, String stderr, Duration elapsed) {
  public ProcessResult {
    command = List.copyOf(command);
  }
}
