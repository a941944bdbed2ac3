package org.genvmimage.manifest;

/**
 * A file's SHA-256 and the {@link FileStamp} it had when it was hashed: the digest vouches for the
 * file as long as the file still has that stamp.
 *
 * @param sha256 lower-case hex
 * @param stamp the file's stamp when its bytes were read
 */
public record ManifestEntry(String sha256, FileStamp stamp) {}
