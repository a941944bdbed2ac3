package org.genvmimage.download;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * One file in the {@link DownloadCache}: a verified entry, or a partial download ({@code .part}).
 *
 * @param digest the checksum type and value it is stored under
 * @param file the verified file, or for a partial download its {@code .part} file
 * @param size the file's size in bytes
 * @param sources the URLs it was fetched from, first the one that stored it (empty when its
 *     metadata is missing)
 * @param created when it was stored, or {@code null} when unknown (always for a partial download)
 * @param lastUsed when a build last used it (stored or hit); the file's modification time when that
 *     was never recorded, and always for a partial download
 * @param partial true for a partial download
 */
public record CacheEntry(
    Digest digest,
    Path file,
    long size,
    List<URI> sources,
    Instant created,
    Instant lastUsed,
    boolean partial) {

  public CacheEntry {
    sources = List.copyOf(sources);
  }

  /** The URL that stored it, or {@code null} when its metadata is missing. */
  public URI source() {
    return sources.isEmpty() ? null : sources.get(0);
  }
}
