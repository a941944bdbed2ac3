package org.genvmimage.cloudinit;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;

/**
 * One file of a cloud-init seed: its name on the seed ({@code user-data}, {@code meta-data}, {@code
 * vendor-data} or {@code network-config}), the file it was read from, the format found in it (e.g.
 * {@code #cloud-config}, {@code script}, {@code YAML}) and its bytes, copied on the way in and out.
 */
public record SeedFile(String name, Path source, String format, byte[] content) {
  public SeedFile {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(format, "format");
    content = Objects.requireNonNull(content, "content").clone();
  }

  /** A copy of the file's bytes. */
  @Override
  public byte[] content() {
    return content.clone();
  }

  /** The file's length in bytes. */
  public int size() {
    return content.length;
  }

  IsoFile toIsoFile() {
    return new IsoFile(name, content);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof SeedFile that
        && name.equals(that.name)
        && source.equals(that.source)
        && format.equals(that.format)
        && Arrays.equals(content, that.content);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, source, format, Arrays.hashCode(content));
  }

  @Override
  public String toString() {
    return "SeedFile[" + name + " from " + source + ", " + format + ", " + size() + " bytes]";
  }
}
