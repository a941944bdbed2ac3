package org.genvmimage.cli;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.genvmimage.architecture.Architecture;
import org.genvmimage.console.Console;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/**
 * The default {@code --architecture-path}, {@code architecture.yml} in the working folder: when it
 * is missing, the error says where the example file is to copy from.
 */
final class DefaultArchitecture {
  static final Path PATH = Path.of("architecture.yml");

  /** The system property in which the launchers name the folder of the example files. */
  static final String EXAMPLES = "genvmimage.examples";

  private DefaultArchitecture() {}

  /** Fails with {@link ExitCode#INVALID_INPUT} when {@code file} is the default and is missing. */
  static void requireExists(Path file) {
    if (!Files.exists(file) && file.equals(PATH)) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT,
          missingArchitecture(file.toAbsolutePath(), examplesDir(System.getProperty(EXAMPLES))));
    }
  }

  /**
   * The error for a missing default architecture file: its full path, and to copy the example (from
   * {@code examples}, the installed or source tree's examples folder, when known) or to pass
   * --architecture-path.
   */
  static String missingArchitecture(Path file, Path examples) {
    String example =
        examples != null
            ? "the example " + examples.resolve("architecture.yml")
            : "examples/architecture.yml from the source tree";
    return "architecture file "
        + file
        + " not found; copy "
        + example
        + " there and edit it, or pass --architecture-path FILE";
  }

  /** The examples folder that the launcher named, when it holds the example architecture file. */
  static Path examplesDir(String property) {
    if (property == null || property.isBlank()) {
      return null;
    }
    Path dir = Path.of(property).toAbsolutePath().normalize();
    return Files.isRegularFile(dir.resolve("architecture.yml")) ? dir : null;
  }

  /**
   * Says the architecture file's warnings (a download without a checksum) for the images a build
   * makes, once each, on every run; nothing for a run that writes the GoCD config only.
   *
   * @param selected the --image keys, or empty for every image
   */
  static void warn(
      Architecture architecture, List<String> selected, boolean configOnly, Console console) {
    if (configOnly) {
      return;
    }
    architecture
        .warnings()
        .forEach(
            (key, warning) -> {
              if (selected.isEmpty() || selected.contains(key)) {
                console.warn(warning);
              }
            });
  }
}
