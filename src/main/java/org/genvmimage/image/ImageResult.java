package org.genvmimage.image;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.download.Digest;
import org.genvmimage.qemu.ImageInfo;

/**
 * How one image's build ended.
 *
 * @param outcome BUILT or UP_TO_DATE, null when the build failed, SKIPPED when it never started
 * @param error the failure, or null
 * @param checksum the expected digest, or null when it was not resolved
 * @param outputInfo {@code qemu-img info} of the built or up-to-date image, else null
 * @param checksumSignedBy the fingerprint of the key whose signature of the sums file verified, or
 *     null when none was checked
 * @param source the URL the base image came from (the mirror that served it, or the first source
 *     for a cache hit), or null when none was fetched
 * @param compression the base image's compression ({@code xz}, ...) when it was read, else null
 * @param fileSize the length of the built or up-to-date output file in bytes (its room on disk is
 *     {@code outputInfo.actualSize()}), else null
 */
public record ImageResult(
    String key,
    Path output,
    ImageBuild.Outcome outcome,
    GenVmException error,
    Duration elapsed,
    boolean cacheHit,
    long bytesDownloaded,
    Digest checksum,
    ImageInfo outputInfo,
    String checksumSignedBy,
    URI source,
    String compression,
    Long fileSize) {

  public boolean failed() {
    return error != null;
  }

  public int exitCode() {
    return error == null ? ExitCode.OK.code() : error.exitCode();
  }
}
