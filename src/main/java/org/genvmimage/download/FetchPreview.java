package org.genvmimage.download;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/**
 * What a {@link Downloader#fetch} would do, found without changing anything on disk and without
 * downloading the file itself: the digest (a sums file is read into memory only, or the digest the
 * cache recorded from it is used), and whether the cache holds the file or a partial download of
 * it. For dry runs. Not thread-safe.
 */
public final class FetchPreview {
  /** Where an expected digest comes from. */
  public enum ChecksumOrigin {
    /** Given as hex in the request (the architecture file). */
    GIVEN,
    /** Read just now from the sums file. */
    SUMS_FILE,
    /** The sums file could not be read; the digest it listed earlier, recorded in the cache. */
    CACHE
  }

  /**
   * An expected digest and where it came from.
   *
   * @param recordedAt for {@link ChecksumOrigin#CACHE}, when the sums file was last read; else null
   * @param sumsFileError for {@link ChecksumOrigin#CACHE}, why the sums file could not be read
   */
  public record Checksum(
      String type, String hex, ChecksumOrigin origin, Instant recordedAt, String sumsFileError) {}

  /**
   * The state of the cache for one digest.
   *
   * @param entry the verified file that a fetch would use, or null when it would download
   * @param partial the partial download a fetch would resume from, or null
   * @param partialBytes the size of {@code partial}, 0 when there is none
   */
  public record CacheState(Path entry, Path partial, long partialBytes) {}

  private final Downloader downloader;
  private final Map<URI, Object> sumsFiles = new HashMap<>();

  public FetchPreview(Downloader downloader) {
    this.downloader = downloader;
  }

  /**
   * The digest a fetch of {@code request} would expect. A sums file is fetched into memory (once
   * per URL for this preview) and nothing is recorded; when it cannot be fetched, the digest the
   * cache recorded for it is used, as a fetch would.
   *
   * @throws GenVmException as {@link Downloader#resolveChecksum} would, except that nothing is
   *     written
   */
  public Checksum checksum(FetchRequest request) {
    String type = Checksums.canonicalName(request.checksumType());
    if (request.expectedHex() != null) {
      return new Checksum(type, request.expectedHex(), ChecksumOrigin.GIVEN, null, null);
    }
    URI sums = request.sumsFile();
    String name = request.fileName();
    byte[] bytes;
    try {
      bytes = sumsFile(sums);
    } catch (GenVmException e) {
      if (e.exitCode() == ExitCode.INTERRUPTED.code()) {
        throw e;
      }
      Optional<DownloadCache.SumsRecord> last = downloader.cache().lastResolved(type, sums, name);
      if (last.isEmpty()) {
        throw e;
      }
      return new Checksum(
          type, last.get().hex(), ChecksumOrigin.CACHE, last.get().resolved(), e.getMessage());
    }
    String hex =
        SumsFile.find(new String(bytes, StandardCharsets.UTF_8), name, type)
            .orElseThrow(
                () ->
                    new GenVmException(
                        ExitCode.DOWNLOAD_FAILED, sums + ": no checksum for '" + name + "'"));
    return new Checksum(type, hex, ChecksumOrigin.SUMS_FILE, null, null);
  }

  private byte[] sumsFile(URI uri) {
    Object known = sumsFiles.get(uri);
    if (known == null) {
      try {
        known = downloader.readSmall(uri, DownloadListener.NONE);
      } catch (GenVmException e) {
        known = e;
      }
      sumsFiles.put(uri, known);
    }
    if (known instanceof GenVmException e) {
      throw e;
    }
    return (byte[]) known;
  }

  /**
   * What the cache holds for a digest: the verified file (when its size matches its metadata, as a
   * fetch requires) and any partial download.
   */
  public CacheState cacheState(String checksumType, String hex) {
    DownloadCache cache = downloader.cache();
    String type = Checksums.canonicalName(checksumType);
    Path entry = cache.entryPath(type, hex);
    if (Files.isRegularFile(entry)) {
      long recorded = cache.readInfo(type, hex).map(DownloadCache.EntryInfo::size).orElse(-1L);
      if (recorded < 0 || recorded == sizeOf(entry)) {
        return new CacheState(entry, null, 0);
      }
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
