package org.genvmimage.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.genvmimage.architecture.Architecture;
import org.genvmimage.architecture.ArchitectureLoader;
import org.genvmimage.console.Console;
import org.genvmimage.core.ExitCode;
import org.genvmimage.image.OutputPaths;
import org.genvmimage.manifest.Verifier;
import org.genvmimage.process.ProcessRunner;
import org.genvmimage.qemu.RealQemuImg;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gen-vm-image verify}: every output against its SHA256SUMS line and the architecture. */
@Command(
    name = "verify",
    showDefaultValues = true,
    description = {
      "Verifies the images of an architecture file where gen-vm-image puts them: reads each"
          + " output again, whole, and compares its SHA-256 with its line in the SHA256SUMS file"
          + " of its folder, and its format and virtual size (qemu-img info) with the architecture"
          + " file. Changes nothing. One line per image on stdout (ok, mismatch, missing, unlisted,"
          + " no manifest or failed), the reasons on stderr. Exit 0 when every image matches, 5"
          + " when any does not (its digest, format or virtual size differs), else 3 for a missing"
          + " output, a folder without SHA256SUMS or an image it does not list, or 6 for an image"
          + " that cannot be read.",
      ""
    })
public final class VerifyCommand extends CommandBase implements Callable<Integer> {
  static final String NAME = GenVmImageCommand.NAME + " verify";

  @Override
  Set<ExitCode> exitCodes() {
    return commonAnd(
        ExitCode.INVALID_INPUT,
        ExitCode.CHECKSUM_MISMATCH,
        ExitCode.TOOL_FAILED,
        ExitCode.TOOL_MISSING);
  }

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ArchitectureOptions paths;

  @Option(
      names = "--image",
      paramLabel = "KEY",
      showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER,
      description = "Verify only this image (repeatable). Default: every image in the file.")
  List<String> images = new ArrayList<>();

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      description =
          "What stdout carries: text (one line per image) or json (one JSON document, described"
              + " in docs/json.rst). Logs and progress stay on stderr.")
  JsonReport.Format outputFormat = JsonReport.Format.text;

  @Mixin OutputOptions output;

  /** One JSON entry per image. */
  record Image(
      String key,
      String outputPath,
      String manifestPath,
      String status,
      int exitCode,
      String expectedSha256,
      String sha256,
      String expectedFormat,
      String format,
      long expectedVirtualSize,
      Long virtualSize,
      List<String> problems) {
    static Image of(Verifier.Result r) {
      return new Image(
          r.key(),
          r.output().toAbsolutePath().normalize().toString(),
          r.manifest().toString(),
          r.status().name().toLowerCase(Locale.ROOT),
          r.status().exitCode().code(),
          r.expectedSha256(),
          r.sha256(),
          r.expectedFormat(),
          r.info() == null ? null : r.info().format(),
          r.expectedVirtualSize(),
          r.info() == null ? null : r.info().virtualSize(),
          r.problems());
    }
  }

  private final List<Image> reports = new ArrayList<>();

  @Override
  public Integer call() {
    return JsonReport.run(outputFormat, this::execute, this::writeJson);
  }

  private void writeJson(int exitCode, String error) {
    Map<String, Object> document = JsonReport.document(NAME, exitCode, false, error);
    document.put(
        "architecture_path", paths.architecturePath().toAbsolutePath().normalize().toString());
    document.put("images", reports);
    JsonReport.write(spec.commandLine().getOut(), document);
  }

  private int execute() {
    PrintWriter out = spec.commandLine().getOut();
    Path file = paths.architecturePath();
    DefaultArchitecture.requireExists(file);
    Architecture architecture = ArchitectureLoader.load(file);
    Map<String, Path> outputs = OutputPaths.plan(architecture, images, paths.outputPathAsWritten());
    List<Verifier.Result> results;
    try (Console console = output.console(NAME, spec.commandLine().getErr(), true)) {
      Verifier verifier =
          new Verifier(
              new RealQemuImg(new ProcessRunner(), RealQemuImg.executableFromEnvironment()),
              console);
      results = verifier.verify(architecture, outputs);
      int width = results.stream().mapToInt(r -> r.key().length()).max().orElse(0);
      for (Verifier.Result r : results) {
        reports.add(Image.of(r));
        r.problems().forEach(problem -> console.error(r.key() + ": " + problem));
        if (outputFormat != JsonReport.Format.json) {
          out.println(
              String.format("%-" + width + "s", r.key())
                  + "  "
                  + String.format("%-11s", label(r.status()))
                  + " "
                  + r.output());
        }
      }
    }
    out.flush();
    return Verifier.exitCode(results);
  }

  private static String label(Verifier.Status status) {
    return status.name().toLowerCase(Locale.ROOT).replace('_', ' ');
  }
}
