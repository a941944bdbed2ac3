package org.genvmimage.image;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.download.ResolvedChecksum;
import org.genvmimage.qemu.ImageInfo;
import org.genvmimage.qemu.TargetFormat;

/**
 * What a build of one image would do, as a dry run found it without changing anything. The fields
 * are filled as far as the checks got: after a failed check ({@code error}), later ones are null.
 *
 * @param action what would happen to the output path
 * @param checksum the expected digest; null for a blank disk or a local base image without one
 * @param outputInfo {@code qemu-img info} of an up-to-date output, else null
 * @param outputFileSize the length in bytes of an up-to-date output file, else null
 * @param error the failure a build would end with, found by the dry run's checks, or null
 */
public record ImagePlan(
    String key,
    Path output,
    Action action,
    Checksum checksum,
    Origin source,
    Work work,
    Owner owner,
    ImageInfo outputInfo,
    Long outputFileSize,
    GenVmException error,
    Duration elapsed) {

  /**
   * The expected digest.
   *
   * @param type the canonical checksum type
   * @param hex the expected digest, or null when it could not be resolved
   * @param origin where {@code hex} came from, or null
   * @param sumsFile the sums file the architecture file names, or null
   * @param recordedAt for a digest the cache recorded from the sums file: when it was read
   * @param signedBy the fingerprint of the key whose signature of the sums file verified, or null
   */
  public record Checksum(
      String type,
      String hex,
      ResolvedChecksum.Origin origin,
      URI sumsFile,
      Instant recordedAt,
      String signedBy) {}

  /**
   * Where the base image would come from.
   *
   * @param how how it would be obtained, or null when the plan stopped before
   * @param url the source URL of the architecture file
   * @param path the cache entry (hit), the cache entry a download would create, or the local file
   * @param resumeBytes bytes of a partial download in the cache that a download would resume from
   * @param info {@code qemu-img info} of the base image when it is already on disk (and not
   *     compressed), else null
   * @param mirrors every URL of the base image, in the order they are tried ({@code url} first)
   * @param compression the base image's compression ({@code xz}, {@code gzip}, {@code bzip2},
   *     {@code zstd}), or null when it is not compressed
   * @param compressionByName whether {@code compression} goes by the file name of a base image that
   *     is still to be downloaded (the build goes by its first bytes)
   * @param unpacked the file it would be decompressed into, or null
   */
  public record Origin(
      Source how,
      URI url,
      Path path,
      long resumeBytes,
      ImageInfo info,
      List<URI> mirrors,
      String compression,
      boolean compressionByName,
      Path unpacked) {}

  /**
   * How the image would be made.
   *
   * @param temp the temporary file the image would be built in; its {@code <random>} part is chosen
   *     when the build runs
   * @param commands the qemu-img command lines the build would run, in order; {@code <format>}
   *     stands for the format that {@code qemu-img info} finds when the base image is not on disk
   *     yet
   * @param materialize how the base image becomes the temporary file: {@code copy} (a
   *     self-contained qcow2 compat 1.1 image, copied byte for byte), {@code convert} ({@code
   *     qemu-img convert}), or {@code unknown} until the download tells its format (a copy when it
   *     is such a qcow2)
   * @param target the format the output would be written in: its format, subformat and compression
   */
  public record Work(
      Path temp, List<List<String>> commands, String materialize, TargetFormat target) {}

  /**
   * Who the image would be given to.
   *
   * @param user the user, or null for none
   * @param exists whether that user exists (null when unknown or no user)
   */
  public record Owner(String user, Boolean exists) {}

  /** What would happen to the output path. */
  public enum Action {
    /** The output does not exist: it would be created. */
    CREATE,
    /** The output exists and differs; --overwrite lets the build replace it. */
    OVERWRITE,
    /** The output was built from the same checksum and size: left alone. */
    UP_TO_DATE,
    /** The output exists and differs, and --overwrite was not given: the build would stop. */
    BLOCKED
  }

  /** How the base image would be obtained. */
  public enum Source {
    /** The verified file is in the cache. */
    CACHE,
    /** Downloaded into the cache (resumed when {@code resumeBytes} > 0). */
    DOWNLOAD,
    /** A {@code file:} source, hashed in place. */
    LOCAL_FILE,
    /** No base image: a new blank disk. */
    BLANK
  }

  public boolean failed() {
    return error != null;
  }

  public int exitCode() {
    return error == null ? ExitCode.OK.code() : error.exitCode();
  }
}
