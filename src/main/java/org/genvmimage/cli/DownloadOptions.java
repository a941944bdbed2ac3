package org.genvmimage.cli;

import java.time.Duration;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.download.DownloadSettings;
import picocli.CommandLine.Option;

/** {@code --retries} and {@code --stall-timeout}: how a build downloads its base images. */
public final class DownloadOptions {
  @Option(
      names = "--retries",
      paramLabel = "N",
      description = "Attempts per download (connection errors, HTTP 5xx, stalls).")
  int retries = DownloadSettings.defaults().maxAttempts();

  @Option(
      names = "--stall-timeout",
      paramLabel = "SECONDS",
      description = "Give up on a download attempt that receives no data for this long.")
  long stallTimeoutSeconds = DownloadSettings.defaults().stallTimeout().toSeconds();

  /** The download settings: the defaults with these options; a usage error when one is below 1. */
  DownloadSettings settings() {
    if (retries < 1 || stallTimeoutSeconds < 1) {
      throw new GenVmException(ExitCode.USAGE, "--retries and --stall-timeout must be at least 1");
    }
    DownloadSettings defaults = DownloadSettings.defaults();
    return new DownloadSettings(
        retries,
        defaults.initialBackoff(),
        defaults.maxBackoff(),
        defaults.connectTimeout(),
        Duration.ofSeconds(stallTimeoutSeconds),
        defaults.bufferSize());
  }
}
