package org.genvmimage.architecture;

import java.net.URI;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One image of the architecture file.
 *
 * @param key the image's key under {@code images}, a safe file name: the image is written to {@code
 *     <key>.qcow2}
 * @param name the image's name, as written
 * @param version the image's version, as written ({@code 9.10} stays {@code "9.10"})
 * @param source where to download the image: an {@code http(s)} URL as written, or an absolute
 *     {@code file:} URI
 * @param checksum how to verify the download
 * @param size the virtual disk size of the generated image
 */
public record ImageSpec(
    String key, String name, String version, URI source, ChecksumSpec checksum, DiskSize size) {
  /** What an image key must look like: it becomes a file name. */
  static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");

  /** {@link #KEY} in words, for error messages. */
  static final String KEY_RULE =
      "1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit";

  public ImageSpec {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(checksum, "checksum");
    Objects.requireNonNull(size, "size");
    if (!KEY.matcher(key).matches()) {
      throw new IllegalArgumentException("image key '" + key + "' is not " + KEY_RULE);
    }
    if (!source.isAbsolute() || source.isOpaque()) {
      throw new IllegalArgumentException("source '" + source + "' is not an absolute URL");
    }
  }

  /**
   * The last segment of the source's path, decoded: the name under which a sums file lists the
   * image. Empty when the path ends in {@code /}.
   */
  public String fileName() {
    return lastSegment(source);
  }

  static String lastSegment(URI uri) {
    String path = uri.getPath();
    return path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
  }
}
