package org.genvmimage.cli;

import java.time.Duration;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.download.DownloadSettings;
import picocli.CommandLine.Option;

/**
 * {@code --retries}, {@code --stall-timeout} and {@code --connections}: how a build downloads its
 * base images.
 */
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

  @Option(
      names = "--connections",
      paramLabel = "N",
      description =
          "Connections per download: a file of 64 MiB or more whose server honours range"
              + " requests is fetched in N parts at once, each written at its place and all"
              + " hashed in order (default: ${DEFAULT-VALUE}, at most "
              + DownloadSettings.MAX_CONNECTIONS
              + "; 1 fetches every file over one connection).")
  int connections = DownloadSettings.CONNECTIONS;

  /** The download settings: the defaults with these options; a usage error when one is below 1. */
  DownloadSettings settings() {
    if (retries < 1 || stallTimeoutSeconds < 1) {
      throw new GenVmException(ExitCode.USAGE, "--retries and --stall-timeout must be at least 1");
    }
    if (connections < 1 || connections > DownloadSettings.MAX_CONNECTIONS) {
      throw new GenVmException(
          ExitCode.USAGE,
          "--connections must be from 1 to "
              + DownloadSettings.MAX_CONNECTIONS
              + ": "
              + connections);
    }
    DownloadSettings defaults = DownloadSettings.defaults();
    return new DownloadSettings(
        retries,
        defaults.initialBackoff(),
        defaults.maxBackoff(),
        defaults.connectTimeout(),
        Duration.ofSeconds(stallTimeoutSeconds),
        defaults.bufferSize(),
        connections,
        defaults.segmentThreshold());
  }
}
