package org.genvmimage.download;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the cache already holds a verified file: it is trusted without hashing it again, but its
 * size must match what its metadata records.
 */
final class CacheHit {
  private static final Logger log = LoggerFactory.getLogger(CacheHit.class);

  private CacheHit() {}

  /**
   * The verified entry, if present and of the size its metadata records; a hit is recorded as a
   * use. A wrong size is only acted on under the entry's lock ({@code locked}): the entry is
   * deleted, to be downloaded again.
   */
  static Optional<FetchResult> find(
      DownloadCache cache, URI source, Digest digest, boolean locked) {
    Path file = cache.entryPath(digest);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Optional<EntryInfo> info = cache.readInfo(digest);
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (!sizeMatches(info, size)) {
      long recorded = info.map(EntryInfo::size).orElse(-1L);
      if (locked) {
        log.warn("{}: {} bytes, but {} were stored; downloading it again", file, size, recorded);
        try {
          Files.deleteIfExists(file);
          Files.deleteIfExists(cache.infoPath(digest));
        } catch (IOException e) {
          throw CacheFetch.cacheFailure(cache, e, file);
        }
      }
      return Optional.empty();
    }
    log.debug("{}: in the cache as {}", source, file);
    cache.touch(digest, info, size, source);
    URI first = info.map(EntryInfo::source).orElse(null);
    return Optional.of(new FetchResult(file, digest, true, 0, source, first));
  }

  /**
   * Whether an entry of {@code size} bytes may be used: its metadata, when there is any, records
   * that size. A fetch and a dry run's {@link CacheState} ask the same.
   */
  static boolean sizeMatches(Optional<EntryInfo> info, long size) {
    long recorded = info.map(EntryInfo::size).orElse(-1L);
    return size >= 0 && (recorded < 0 || recorded == size);
  }
}
