package org.genvmimage.cloudinit;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Objects;

/**
 * A file for the root folder of an ISO image written by {@link IsoWriter}: its name as readers see
 * it (the Joliet name, e.g. {@code user-data}) and its bytes. The content is copied on the way in
 * and on the way out, so a file never changes after it is made.
 */
public record IsoFile(String name, byte[] content) {
  public IsoFile {
    Objects.requireNonNull(name, "name");
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

  void writeTo(OutputStream out) throws IOException {
    out.write(content);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof IsoFile that
        && name.equals(that.name)
        && Arrays.equals(content, that.content);
  }

  @Override
  public int hashCode() {
    return 31 * name.hashCode() + Arrays.hashCode(content);
  }

  @Override
  public String toString() {
    return "IsoFile[" + name + ", " + content.length + " bytes]";
  }
}
