package org.genvmimage.download;

import java.net.URI;
import java.nio.file.Path;
import org.genvmimage.core.GenVmException;

/**
 * A separate process for tests: fetches {@code <url> <type> <hex> <cache dir>}, prints the file.
 */
public final class FetchMain {
  private FetchMain() {}

  public static void main(String[] args) {
    try {
      FetchResult result =
          new Downloader(new DownloadCache(Path.of(args[3])), DownloadSettings.defaults())
              .fetch(FetchRequest.withChecksum(URI.create(args[0]), args[1], args[2]), null);
      System.out.println(result.file());
    } catch (GenVmException e) {
      System.err.println(e.getMessage());
      System.exit(e.exitCode());
    }
  }
}
