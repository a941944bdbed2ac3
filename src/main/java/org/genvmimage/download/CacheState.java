package org.genvmimage.download;

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
   * CacheHit#sizeMatches}) and any partial download.
   */
  static CacheState of(DownloadCache cache, Digest digest) {
    Path entry = cache.entryPath(digest);
    if (Files.isRegularFile(entry)
        && CacheHit.sizeMatches(cache.readInfo(digest), CacheListing.sizeOf(entry))) {
      return new CacheState(entry, null, 0);
    }
    Path part = cache.partPath(digest);
    long partBytes = Files.isRegularFile(part) ? Math.max(0, CacheListing.sizeOf(part)) : 0;
    return partBytes > 0 ? new CacheState(null, part, partBytes) : new CacheState(null, null, 0);
  }
}
