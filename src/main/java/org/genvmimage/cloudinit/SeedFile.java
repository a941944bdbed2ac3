package org.genvmimage.cloudinit;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One file of a cloud-init seed: the file as it goes on the seed (its name, {@code user-data},
 * {@code meta-data}, {@code vendor-data} or {@code network-config}, and its bytes), the file it was
 * read from, and the format found in it (e.g. {@code #cloud-config}, {@code script}, {@code YAML}).
 */
public record SeedFile(IsoFile file, Path source, String format) {
  public SeedFile {
    Objects.requireNonNull(file, "file");
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(format, "format");
  }

  /** A seed file named {@code name} with a copy of {@code content}. */
  public SeedFile(String name, Path source, String format, byte[] content) {
    this(new IsoFile(name, content), source, format);
  }

  /** Its name on the seed. */
  public String name() {
    return file.name();
  }

  /** A copy of the file's bytes. */
  public byte[] content() {
    return file.content();
  }

  /** The file's length in bytes. */
  public int size() {
    return file.size();
  }

  @Override
  public String toString() {
    return "SeedFile[" + name() + " from " + source + ", " + format + ", " + size() + " bytes]";
  }
}
