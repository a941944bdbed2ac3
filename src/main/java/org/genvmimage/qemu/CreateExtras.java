package org.genvmimage.qemu;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What a new blank disk is made with beyond its format and size: a backing file and its format,
 * {@code qemu-img create -o} options, and the secrets those options name. A secret's value never
 * goes on a command line: qemu-img reads it from its file ({@code --object
 * secret,id=ID,file=FILE,format=raw}).
 *
 * @param backingFile passed to {@code -b} as written (QEMU reads a relative one from the image's
 *     folder), or null
 * @param backingFormat passed to {@code -F}, with {@code backingFile}; or null
 * @param options passed to a second {@code -o}, or null
 * @param secrets the secrets that {@code options} name, each with the file that holds it
 * @param encryptionSecret the id of the secret the image is encrypted with, or null; every later
 *     command that reads the image's data needs it
 */
public record CreateExtras(
    String backingFile,
    String backingFormat,
    String options,
    List<Secret> secrets,
    String encryptionSecret) {
  /** Nothing beyond format and size. */
  public static final CreateExtras NONE = new CreateExtras(null, null, null, List.of(), null);

  /** A secret for qemu-img: its object id and the file whose bytes are its value. */
  public record Secret(String id, Path file) {
    public Secret {
      Objects.requireNonNull(id, "id");
      Objects.requireNonNull(file, "file");
    }
  }

  public CreateExtras {
    secrets = List.copyOf(secrets);
    if ((backingFile == null) != (backingFormat == null)) {
      throw new IllegalArgumentException("a backing file and its format go together");
    }
  }

  /** Whether there is nothing beyond format and size. */
  public boolean none() {
    return backingFile == null && options == null && secrets.isEmpty();
  }

  /** The {@code --object secret,...} arguments for every secret. */
  List<String> objects() {
    List<String> args = new ArrayList<>();
    for (Secret secret : secrets) {
      args.add("--object");
      args.add(
          "secret,id="
              + secret.id()
              + ",file="
              + escape(secret.file().toAbsolutePath().toString())
              + ",format=raw");
    }
    return args;
  }

  /** A value in QEMU's {@code key=value,...} syntax: a comma is doubled. */
  static String escape(String value) {
    return value.replace(",", ",,");
  }
}
