package org.genvmimage.cli;

import java.nio.file.Path;
import java.util.List;
import org.genvmimage.image.OutputPaths;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code --architecture-path} and {@code --image-output-path}: which architecture file, and where
 * its images are (built, or verified). A subcommand that was given neither takes its parent's
 * ({@code gen-vm-image --architecture-path a.yml verify}); {@link Cli} passes them on.
 */
public final class ArchitectureOptions {
  static final String ARCHITECTURE = "--architecture-path";
  static final String OUTPUT = "--image-output-path";

  @Spec(Spec.Target.MIXEE)
  CommandSpec mixee;

  @Option(
      names = ARCHITECTURE,
      paramLabel = "ARCHITECTURE_PATH",
      description =
          "The path to the architecture file that is used to configure the images to be built.")
  Path architecturePath = DefaultArchitecture.PATH;

  @Option(
      names = OUTPUT,
      paramLabel = "IMAGE_OUTPUT_PATH",
      description =
          "The output path of the built image. With several images in the architecture file,"
              + " each is written beside it as <image-key>.qcow2. A folder (a path ending with"
              + " '/', or an existing folder) receives image.qcow2, or with several images each"
              + " <image-key>.qcow2. An image whose format is raw, vmdk, vhdx or vpc gets"
              + " .raw, .vmdk, .vhdx or .vhd in place of .qcow2 in these names.")
  Path imageOutputPath = Path.of(OutputPaths.DEFAULT);

  /** The output path as a parent command was given it, when this command was given none. */
  private String inheritedOutput;

  /** The architecture file. */
  Path architecturePath() {
    return architecturePath;
  }

  /**
   * {@code --image-output-path} as the user wrote it: a Path drops the trailing '/' that makes it a
   * folder to write into.
   */
  String outputPathAsWritten() {
    String written = written(OUTPUT);
    if (written != null) {
      return written;
    }
    return inheritedOutput != null ? inheritedOutput : imageOutputPath.toString();
  }

  /** The last value the command line gave an option of this command, or null. */
  private String written(String name) {
    if (mixee == null || mixee.commandLine() == null) {
      return null;
    }
    picocli.CommandLine.ParseResult parsed = mixee.commandLine().getParseResult();
    OptionSpec option = parsed == null ? null : parsed.matchedOption(name);
    if (option == null || option.stringValues().isEmpty()) {
      return null;
    }
    List<String> values = option.stringValues();
    return values.get(values.size() - 1);
  }

  /** Takes the parent command's paths where this command was given none. */
  void inheritFrom(ArchitectureOptions parent) {
    if (written(ARCHITECTURE) == null && parent.written(ARCHITECTURE) != null) {
      architecturePath = parent.architecturePath;
    }
    if (written(OUTPUT) == null && parent.written(OUTPUT) != null) {
      imageOutputPath = parent.imageOutputPath;
      inheritedOutput = parent.outputPathAsWritten();
    }
  }
}
