package org.genvmimage.download;

import java.net.URI;
import java.nio.file.Path;

/**
 * A fetched, verified file.
 *
 * @param file the verified file: the cache entry, or for a {@code file:} source the source itself
 * @param digest the verified digest
 * @param cacheHit true when the file was already in the cache and nothing was downloaded
 * @param bytesDownloaded bytes received over the network by this fetch (0 for a hit or a local
 *     file; less than the file size when an earlier partial download was resumed)
 * @param source the requested source
 * @param cachedFrom for a cache hit, the URL the entry was first downloaded from (which may be
 *     another URL with the same checksum), when the cache recorded it; else null
 */
public record FetchResult(
    Path file, Digest digest, boolean cacheHit, long bytesDownloaded, URI source, URI cachedFrom) {

  /** A result that is not a cache hit, or one whose first URL is unknown. */
  public FetchResult(Path file, Digest digest, boolean cacheHit, long bytesDownloaded, URI source) {
    this(file, digest, cacheHit, bytesDownloaded, source, null);
  }
}
