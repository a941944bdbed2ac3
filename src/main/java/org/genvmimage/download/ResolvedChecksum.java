package org.genvmimage.download;

import java.time.Instant;

/**
 * An expected digest and where it came from.
 *
 * @param digest the expected digest
 * @param recordedAt for {@link Origin#CACHE}, when the sums file was last read; else null
 * @param sumsFileError for {@link Origin#CACHE}, why the sums file could not be read; else null
 */
public record ResolvedChecksum(
    Digest digest, Origin origin, Instant recordedAt, String sumsFileError) {

  /** Where an expected digest comes from. */
  public enum Origin {
    /** Given as hex in the request (the architecture file). */
    GIVEN,
    /** Read just now from the sums file. */
    SUMS_FILE,
    /** The sums file could not be read; the digest it listed earlier, recorded in the cache. */
    CACHE
  }
}
