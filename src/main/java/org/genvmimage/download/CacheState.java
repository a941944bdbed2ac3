package org.genvmimage.download;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the cache holds for one digest, found without locking or changing anything: for dry runs.
 *
 * @param entry the verified file that a fetch would use, or null when it would download
 * @param partial the partial download a fetch would resume from, or null
 * @param partialBytes the size of {@code partial}, 0 when there is none
 */
public record CacheState(Path entry, Path partial, long partialBytes) {

  /**
   * The verified file (when its size matches its metadata, as a fetch requires: {@link
   * Downloader#sizeMatches}) and any partial download.
   */
  static CacheState of(DownloadCache cache, Digest digest) {
    String type = digest.type();
    String hex = digest.hex();
    Path entry = cache.entryPath(type, hex);
    if (Files.isRegularFile(entry)
        && Downloader.sizeMatches(cache.readInfo(type, hex), sizeOf(entry))) {
      return new CacheState(entry, null, 0);
    }
    Path part = cache.partPath(type, hex);
    long partBytes = Files.isRegularFile(part) ? Math.max(0, sizeOf(part)) : 0;
    return partBytes > 0 ? new CacheState(null, part, partBytes) : new CacheState(null, null, 0);
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }
}
