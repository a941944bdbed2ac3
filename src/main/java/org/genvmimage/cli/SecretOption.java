package org.genvmimage.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.genvmimage.architecture.Architecture;
import org.genvmimage.architecture.ImageSpec;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import picocli.CommandLine.Option;

/**
 * {@code --secret ID=FILE}: the secrets that images' create options name (e.g. {@code
 * encrypt.key-secret=ID}), each read by qemu-img from its file, never put on a command line.
 */
public final class SecretOption {
  @Option(
      names = "--secret",
      paramLabel = "ID=FILE",
      showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER,
      description =
          "A secret that an image's extra_kwargs.o names (encrypt.key-secret=ID, or the"
              + " upstream spelling encrypt.key=ID): FILE holds its value (every byte, a trailing"
              + " newline too). qemu-img reads the file itself; the value is never put on a"
              + " command line or in a log. Repeatable. An image naming a secret not given is"
              + " refused (exit 2) before anything is built.")
  Map<String, Path> secrets = new LinkedHashMap<>();

  /** The secret files by id. */
  Map<String, Path> files() {
    return secrets;
  }

  /**
   * Fails (usage error), naming each, when an image to build names a secret that was not given, or
   * a given secret's file cannot be read.
   *
   * @param selected the --image keys, or empty for every image
   */
  void check(Architecture architecture, List<String> selected) {
    for (Map.Entry<String, Path> secret : secrets.entrySet()) {
      if (!Files.isRegularFile(secret.getValue()) || !Files.isReadable(secret.getValue())) {
        throw new GenVmException(
            ExitCode.USAGE,
            "--secret "
                + secret.getKey()
                + "="
                + secret.getValue()
                + ": not a readable file (expected the file that holds the secret)");
      }
    }
    for (ImageSpec spec : architecture.images().values()) {
      if (spec.create() == null || !(selected.isEmpty() || selected.contains(spec.key()))) {
        continue;
      }
      List<String> missing =
          spec.create().secrets().stream().filter(id -> !secrets.containsKey(id)).toList();
      if (!missing.isEmpty()) {
        throw new GenVmException(
            ExitCode.USAGE,
            architecture.file()
                + ": images."
                + spec.key()
                + ".extra_kwargs.o names the secret "
                + String.join(", ", missing)
                + ": give --secret "
                + missing.get(0)
                + "=FILE (a file that holds it)");
      }
    }
  }
}
