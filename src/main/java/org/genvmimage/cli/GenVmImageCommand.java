package org.genvmimage.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.genvmimage.architecture.Architecture;
import org.genvmimage.architecture.ArchitectureLoader;
import org.genvmimage.console.Console;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.download.DownloadCache;
import org.genvmimage.download.DownloadSettings;
import org.genvmimage.download.Downloader;
import org.genvmimage.gocd.GocdWriter;
import org.genvmimage.image.BuildTools;
import org.genvmimage.image.ImageBuilder;
import org.genvmimage.image.ImageOwner;
import org.genvmimage.image.ImagePlan;
import org.genvmimage.image.ImageResult;
import org.genvmimage.image.OutputPaths;
import org.genvmimage.process.ProcessRunner;
import org.genvmimage.qemu.RealQemuImg;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gen-vm-image}: architecture file in, verified and resized disk images out. */
@Command(
    name = "gen-vm-image",
    showDefaultValues = true,
    subcommands = {CacheCommand.class, VerifyCommand.class},
    description = {
      "Builds the virtual machine images that an architecture file describes: downloads each"
          + " base image (into a verified cache), checks its checksum, converts it to qcow2"
          + " (or the image's format: raw, vmdk, vhdx or vpc), resizes it and publishes it atomically,"
          + " listed with its SHA-256 in the SHA256SUMS of its folder (gen-vm-image verify checks"
          + " them).",
      ""
    })
public final class GenVmImageCommand extends CommandBase implements Callable<Integer> {
  static final String NAME = "gen-vm-image";

  @Override
  Set<ExitCode> exitCodes() {
    return commonAnd(
        ExitCode.INVALID_INPUT,
        ExitCode.DOWNLOAD_FAILED,
        ExitCode.CHECKSUM_MISMATCH,
        ExitCode.TOOL_FAILED,
        ExitCode.TOOL_MISSING,
        ExitCode.OUTPUT_EXISTS);
  }

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Mixin ArchitectureOptions paths;

  @Option(
      names = "--generated-image-owner",
      paramLabel = "GENERATED_IMAGE_OWNER",
      showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER,
      description =
          "Set the uid owner of the generated image (a user name or numeric uid). A user that"
              + " does not exist is a usage error; failing to give an image to it fails that"
              + " image. Default: qemu, the distribution's QEMU user (libvirt-qemu on Debian and"
              + " Ubuntu); without one, or when the run may not change owners, the images keep"
              + " their owner (-v says so). The architecture file's owner: is not a user account"
              + " and does not set this.")
  String generatedImageOwner;

  @Option(
      names = "--generate-gocd-config",
      description = "Generate a GoCD config based on the architecture file.")
  boolean generateGocdConfig;

  @ArgGroup(exclusive = false, order = 1)
  GocdOptions gocd = new GocdOptions();

  @Option(
      names = "--image",
      paramLabel = "KEY",
      showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER,
      description = "Build only this image (repeatable). Default: every image in the file.")
  List<String> images = new ArrayList<>();

  @Option(
      names = {"-j", "--jobs"},
      paramLabel = "N",
      description = "Build up to N images in parallel. Default: the number of CPUs.")
  Integer jobs;

  @Option(
      names = "--overwrite",
      description =
          "Replace an existing output that was not built from the same checksum and size.")
  boolean overwrite;

  @Mixin CacheDirOption cacheDir;

  @Mixin DownloadOptions download;

  @Mixin SignatureOption signatures;

  @Mixin SecretOption secrets;

  @Option(
      names = "--dry-run",
      description =
          "Print what would be done and change nothing on disk: per image the output's state,"
              + " the source (cache hit or download), the checksum, the decompression of a"
              + " compressed base image, the qemu-img commands and the owner. Downloads nothing but sums files (into memory). Exits as the run would"
              + " for the checks it can make (8 for an output that needs --overwrite).")
  boolean dryRun;

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      description =
          "What stdout carries: text (one line per image, or the plan) or json (one JSON"
              + " document, described in docs/json.rst). Logs and progress stay on stderr.")
  JsonReport.Format outputFormat = JsonReport.Format.text;

  @Mixin OutputOptions output;

  /** What the JSON document reports, filled in as the run gets along. */
  private final List<BuildReport.Image> imageReports = new ArrayList<>();

  private BuildReport.GocdConfig gocdReport;

  /** The SHA256SUMS files the build left; null for a dry run or before the build. */
  private List<String> manifests;

  /** The architecture file's {@code owner:}, once it is read. */
  private String architectureOwner;

  /** Runs the command; the exit code is returned, not passed to System.exit. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return Cli.run(new GenVmImageCommand(), out, err, args);
  }

  public static void main(String[] args) {
    System.exit(Cli.main(new GenVmImageCommand(), args));
  }

  @Override
  public Integer call() {
    // On Ctrl-C the JVM halts once the interrupt hooks are done; this one holds it until the
    // results are printed.
    return Interruptible.run(this::executeAndReport, () -> {});
  }

  private int executeAndReport() {
    return JsonReport.run(outputFormat, this::execute, this::writeJson);
  }

  private void writeJson(int exitCode, String error) {
    Map<String, Object> document = JsonReport.document(NAME, exitCode, dryRun, error);
    document.put(
        "architecture_path", paths.architecturePath().toAbsolutePath().normalize().toString());
    document.put("architecture_owner", architectureOwner);
    document.put("gocd_config", gocdReport);
    document.put("images", imageReports);
    document.put("manifests", manifests);
    JsonReport.write(spec.commandLine().getOut(), document);
  }

  private int execute() {
    boolean text = outputFormat != JsonReport.Format.json;
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (jobs != null && jobs < 1) {
      throw new GenVmException(ExitCode.USAGE, "--jobs must be at least 1, not " + jobs);
    }
    DownloadSettings settings = download.settings();
    // checked before anything is built; the GoCD config alone needs no owner
    ImageOwner owner =
        gocd.configOnly
            ? null
            : generatedImageOwner != null
                ? ImageOwner.named(generatedImageOwner)
                : ImageOwner.distributionDefault();
    Path file = paths.architecturePath();
    DefaultArchitecture.requireExists(file);
    Architecture architecture = ArchitectureLoader.load(file);
    architectureOwner = architecture.owner();
    Map<String, java.nio.file.Path> outputs =
        OutputPaths.plan(architecture, images, paths.outputPathAsWritten());
    if (!gocd.configOnly) {
      signatures.check(architecture, images);
      secrets.check(architecture, images);
    }

    try (Console console = output.console(NAME, err, true)) {
      DefaultArchitecture.warn(architecture, images, gocd.configOnly, console);
      if (generateGocdConfig || gocd.configOnly) {
        Path config =
            new GocdWriter(new ProcessRunner(), console)
                .write(architecture, images, gocd.toWriterOptions(), !dryRun);
        gocdReport = new BuildReport.GocdConfig(config.toString(), !dryRun);
        if (text) {
          out.println(dryRun ? "would write the GoCD config " + config : config);
          out.flush();
        }
        if (gocd.configOnly) {
          return ExitCode.OK.code();
        }
      }
      Path cache = cacheDir.resolve();
      Downloader downloader = new Downloader(new DownloadCache(cache), settings);
      BuildTools tools =
          new BuildTools(
              downloader,
              new RealQemuImg(new ProcessRunner(), RealQemuImg.executableFromEnvironment()),
              console,
              owner,
              overwrite,
              secrets.files());
      console.debug("the architecture file's owner is " + architecture.owner());
      if (owner.user() != null) {
        console.debug(
            "the images go to "
                + owner.user()
                + (owner.explicit() ? "" : ", the distribution's QEMU user"));
      }
      if (dryRun) {
        try {
          return plan(architecture, outputs, tools, text ? out : null, console);
        } finally {
          downloader.close();
        }
      }
      int parallel = jobs != null ? jobs : Runtime.getRuntime().availableProcessors();
      ImageBuilder builder = new ImageBuilder(tools, parallel);
      List<ImageResult> results;
      try {
        results = Interruptible.run(() -> builder.build(architecture, outputs), builder::cancel);
      } finally {
        downloader.close();
      }
      for (ImageResult r : results) {
        imageReports.add(BuildReport.of(architecture.images().get(r.key()), r));
      }
      manifests = builder.manifests().stream().map(Path::toString).toList();
      int code = BuildText.report(architecture, results, text ? out : null, console);
      // the manifest's error is said where it happened; it fails a run that went well otherwise
      return code == ExitCode.OK.code() && builder.manifestError() != null
          ? builder.manifestError().exitCode()
          : code;
    }
  }

  /** The dry run: plans every image, prints the plan (unless out is null), changes nothing. */
  private int plan(
      Architecture architecture,
      Map<String, Path> outputs,
      BuildTools tools,
      PrintWriter out,
      Console console) {
    ImageBuilder planner = new ImageBuilder(tools, 1);
    Thread planning = Thread.currentThread();
    List<ImagePlan> plans =
        Interruptible.run(() -> planner.plan(architecture, outputs), planning::interrupt);
    for (ImagePlan p : plans) {
      imageReports.add(BuildReport.of(architecture.images().get(p.key()), p));
    }
    return DryRunText.report(plans, out, console);
  }
}
