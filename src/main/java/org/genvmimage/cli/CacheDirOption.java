package org.genvmimage.cli;

import java.nio.file.Path;
import org.genvmimage.download.DownloadCache;
import picocli.CommandLine.Option;

/** {@code --cache-dir}: the download cache folder, for the build and the cache commands. */
public final class CacheDirOption {
  @Option(
      names = "--cache-dir",
      paramLabel = "DIR",
      description =
          "Where downloaded base images are kept, by checksum. Default:"
              + " $XDG_CACHE_HOME/gen-vm-image, else ~/.cache/gen-vm-image.")
  Path cacheDir;

  /** Takes the parent command's folder when this command was given none. */
  void inheritFrom(CacheDirOption parent) {
    if (cacheDir == null) {
      cacheDir = parent.cacheDir;
    }
  }

  /** The folder given, else the default one ({@link DownloadCache#defaultDir}). */
  Path resolve() {
    return cacheDir != null ? cacheDir : DownloadCache.defaultDir(System.getenv());
  }
}
