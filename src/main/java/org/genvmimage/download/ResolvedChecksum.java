package org.genvmimage.download;

import java.time.Instant;

/**
 * An expected digest and where it came from.
 *
 * @param digest the expected digest
 * @param recordedAt for {@link Origin#CACHE}, when the sums file was last read; else null
 * @param sumsFileError for {@link Origin#CACHE}, why the sums file could not be read; else null
 * @param signedBy the fingerprint (40 or 64 upper-case hex digits) of the primary key whose
 *     signature of the sums file verified (for {@link Origin#CACHE}: when it was read), or null
 *     when no signature was checked
 */
public record ResolvedChecksum(
    Digest digest, Origin origin, Instant recordedAt, String sumsFileError, String signedBy) {

  /** A digest whose sums file's signature was not checked. */
  public ResolvedChecksum(Digest digest, Origin origin, Instant recordedAt, String sumsFileError) {
    this(digest, origin, recordedAt, sumsFileError, null);
  }

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
