package org.genvmimage.download;

import java.net.URI;
import java.nio.file.Path;
import java.time.Instant;

/**
 * One verified file in the {@link DownloadCache}.
 *
 * @param source where it was downloaded from, or {@code null} when its metadata is missing
 * @param created when it was stored, or {@code null} when unknown
 * @param lastUsed when it was last fetched (stored or hit), or {@code null} when unknown
 */
public record CacheEntry(
    String checksumType,
    String checksumHex,
    Path file,
    long size,
    URI source,
    Instant created,
    Instant lastUsed) {}
