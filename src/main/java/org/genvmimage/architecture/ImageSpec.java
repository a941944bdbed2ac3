package org.genvmimage.architecture;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One image of the architecture file.
 *
 * @param key the image's key under {@code images}, a safe file name: the image is written to {@code
 *     <key>.qcow2} (or the extension of its output format)
 * @param name the image's name, as written
 * @param version the image's version, as written ({@code 9.10} stays {@code "9.10"}); null when the
 *     file gives none (the {@code input} form makes it optional)
 * @param sources where to get the base image, in the order they are tried: {@code http(s)} URLs as
 *     written (a mirror list when there are several), or one absolute {@code file:} URI; empty for
 *     a new blank disk
 * @param checksum how to verify the base image; null for a blank disk, or for a base image (a local
 *     file or a download) that is used as it is, unverified
 * @param size the virtual disk size of the generated image
 * @param inputFormat the format the base image must have ({@code qemu-img} name), or null to take
 *     the one its content shows
 * @param outputPath where this image is written (relative to the current folder), or null for the
 *     {@code --image-output-path} rule
 * @param outputFormat the format the image is written in, one of {@link #OUTPUT_FORMATS}
 * @param subformat the variant of {@code outputFormat} written ({@code qemu-img}'s {@code
 *     subformat} option: {@link #SUBFORMATS}), its default when the file names none; null for qcow2
 *     and raw, which have none
 * @param compression how a qcow2 output's clusters are compressed, one of {@link #COMPRESSIONS}, or
 *     null for none
 * @param create what a blank disk is created with beyond its format and size ({@code
 *     extra_kwargs}), or null
 */
public record ImageSpec(
    String key,
    String name,
    String version,
    List<URI> sources,
    ChecksumSpec checksum,
    DiskSize size,
    String inputFormat,
    Path outputPath,
    String outputFormat,
    String subformat,
    String compression,
    CreateOptions create) {
  /** The default output format. */
  public static final String QCOW2 = "qcow2";

  /** The formats an image may be written in ({@code qemu-img}'s names). */
  public static final List<String> OUTPUT_FORMATS = List.of(QCOW2, "raw", "vmdk", "vhdx", "vpc");

  /**
   * The subformats each output format may be written as, its default first: a growing single-file
   * vmdk or the streamOptimized one (compressed, for uploads: vSphere's OVF import, OpenStack
   * Glance's vmdk), a dynamic or a fixed vhdx and vpc (a fixed VHD is what Azure takes). qcow2 and
   * raw have none.
   */
  public static final Map<String, List<String>> SUBFORMATS =
      Map.of(
          "vmdk", List.of("monolithicSparse", "streamOptimized"),
          "vhdx", List.of("dynamic", "fixed"),
          "vpc", List.of("dynamic", "fixed"));

  /** The compression types of a qcow2 output's clusters ({@code qemu-img}'s names). */
  public static final List<String> COMPRESSIONS = List.of("zstd", "zlib");

  /** An image written in {@code outputFormat}, its default subformat, uncompressed. */
  public ImageSpec(
      String key,
      String name,
      String version,
      List<URI> sources,
      ChecksumSpec checksum,
      DiskSize size,
      String inputFormat,
      Path outputPath,
      String outputFormat) {
    this(
        key,
        name,
        version,
        sources,
        checksum,
        size,
        inputFormat,
        outputPath,
        outputFormat,
        null,
        null,
        null);
  }

  /** The default subformat of {@code format}, or null for one that has none. */
  public static String defaultSubformat(String format) {
    List<String> choices = SUBFORMATS.get(format);
    return choices == null ? null : choices.get(0);
  }

  /** An image written as qcow2. */
  public ImageSpec(
      String key,
      String name,
      String version,
      List<URI> sources,
      ChecksumSpec checksum,
      DiskSize size,
      String inputFormat,
      Path outputPath) {
    this(key, name, version, sources, checksum, size, inputFormat, outputPath, QCOW2);
  }

  /** What an image key must look like: it becomes a file name. */
  static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** {@link #KEY} in words, for error messages. */
  static final String KEY_RULE =
      "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit";

  public ImageSpec {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(size, "size");
    sources = List.copyOf(sources);
    if (outputFormat == null) {
      outputFormat = QCOW2;
    }
    if (!OUTPUT_FORMATS.contains(outputFormat)) {
      throw new IllegalArgumentException("output format '" + outputFormat + "' is not written");
    }
    if (subformat == null) {
      subformat = defaultSubformat(outputFormat);
    } else if (!SUBFORMATS.getOrDefault(outputFormat, List.of()).contains(subformat)) {
      throw new IllegalArgumentException(
          "subformat '" + subformat + "' is not written for " + outputFormat);
    }
    if (compression != null
        && (!COMPRESSIONS.contains(compression) || !QCOW2.equals(outputFormat))) {
      throw new IllegalArgumentException(
          "compression '" + compression + "' is not written for " + outputFormat);
    }
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("image key '" + key + "' is not " + KEY_RULE);
    }
    for (URI source : sources) {
      if (!source.isAbsolute() || source.isOpaque()) {
        throw new IllegalArgumentException("source '" + source + "' is not an absolute URL");
      }
      if (sources.size() > 1 && isLocal(source)) {
        throw new IllegalArgumentException("a mirror list holds http(s) URLs only: " + source);
      }
    }
    if (!sources.isEmpty() && create != null) {
      throw new IllegalArgumentException("create options are for a blank disk only");
    }
    if (sources.isEmpty() && checksum != null) {
      throw new IllegalArgumentException("a blank disk has no checksum");
    }
  }

  /** An image downloaded from (or read at) one source, as the seed's form writes it. */
  public ImageSpec(
      String key, String name, String version, URI source, ChecksumSpec checksum, DiskSize size) {
    this(
        key,
        name,
        Objects.requireNonNull(version, "version"),
        List.of(Objects.requireNonNull(source, "source")),
        Objects.requireNonNull(checksum, "checksum"),
        size,
        null,
        null);
  }

  /** The first source: the one tried first, and the one reports name; null for a blank disk. */
  public URI source() {
    return sources.isEmpty() ? null : sources.get(0);
  }

  /** Whether the image is a new blank disk of {@link #size()}, with no base image. */
  public boolean blank() {
    return sources.isEmpty();
  }

  /** Whether the base image is a local file read in place, and not verified (no checksum). */
  public boolean unverifiedLocal() {
    return !sources.isEmpty() && checksum == null && isLocal(sources.get(0));
  }

  /**
   * Whether the base image is downloaded without a checksum: it is hashed on the way and cached
   * under the digest of the bytes received, but not verified.
   */
  public boolean unverifiedDownload() {
    return !sources.isEmpty() && checksum == null && !isLocal(sources.get(0));
  }

  /**
   * The last segment of the first source's path, decoded: the name under which a sums file lists
   * the image. Empty when the path ends in {@code /} or there is no source.
   */
  public String fileName() {
    return sources.isEmpty() ? "" : lastSegment(sources.get(0));
  }

  static String lastSegment(URI uri) {
    String path = uri.getPath();
    return path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
  }

  static boolean isLocal(URI uri) {
    return "file".equalsIgnoreCase(uri.getScheme());
  }
}
