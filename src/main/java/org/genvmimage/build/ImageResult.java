package org.genvmimage.build;

import java.nio.file.Path;
import java.time.Duration;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/**
 * How one image's build ended.
 *
 * @param outcome BUILT or UP_TO_DATE, or null when the build failed
 * @param error the failure, or null
 */
public record ImageResult(
    String key,
    Path output,
    ImageBuild.Outcome outcome,
    GenVmException error,
    Duration elapsed,
    boolean cacheHit,
    long bytesDownloaded) {

  public boolean failed() {
    return error != null;
  }

  public int exitCode() {
    return error == null ? ExitCode.OK : error.exitCode();
  }
}
