package org.genvmimage.architecture;

import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A loaded, valid architecture file: who owns the images, and the images to build.
 *
 * @param file the architecture file, as the user named it
 * @param owner the owner, as written
 * @param images the images by key, in file order (unmodifiable, never empty)
 * @param warnings what the file allows but should not be passed over in silence, by image key, as
 *     {@code file:line: message} (a download without a checksum); to be said on every run
 * @see ArchitectureLoader
 */
public record Architecture(
    Path file, String owner, Map<String, ImageSpec> images, Map<String, String> warnings) {
  public Architecture {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(owner, "owner");
    images = Collections.unmodifiableMap(new LinkedHashMap<>(images));
    warnings = Collections.unmodifiableMap(new LinkedHashMap<>(warnings));
    if (images.isEmpty()) {
      throw new IllegalArgumentException("an architecture has at least one image");
    }
    images.forEach(
        (key, image) -> {
          if (!key.equals(image.key())) {
            throw new IllegalArgumentException(
                "image '" + image.key() + "' is filed under key '" + key + "'");
          }
        });
  }

  /** An architecture without warnings. */
  public Architecture(Path file, String owner, Map<String, ImageSpec> images) {
    this(file, owner, images, Map.of());
  }
}
