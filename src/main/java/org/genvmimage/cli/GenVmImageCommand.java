package org.genvmimage.cli;

import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.genvmimage.architecture.Architecture;
import org.genvmimage.architecture.ArchitectureLoader;
import org.genvmimage.console.Console;
import org.genvmimage.console.Units;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.Folders;
import org.genvmimage.core.GenVmException;
import org.genvmimage.download.DownloadCache;
import org.genvmimage.download.DownloadSettings;
import org.genvmimage.download.Downloader;
import org.genvmimage.gocd.GitRepository;
import org.genvmimage.gocd.GocdConfig;
import org.genvmimage.gocd.GocdSettings;
import org.genvmimage.gocd.GocdYaml;
import org.genvmimage.gocd.LockBehavior;
import org.genvmimage.gocd.MaterialUrls;
import org.genvmimage.gocd.SecretRef;
import org.genvmimage.image.BuildTools;
import org.genvmimage.image.ImageBuilder;
import org.genvmimage.image.ImageOwner;
import org.genvmimage.image.ImagePlan;
import org.genvmimage.image.ImageResult;
import org.genvmimage.image.OutputPaths;
import org.genvmimage.process.ProcessRunner;
import org.genvmimage.qemu.RealQemuImg;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code gen-vm-image}: architecture file in, verified and resized disk images out. */
@Command(
    name = "gen-vm-image",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    showDefaultValues = true,
    usageHelpWidth = 100,
    subcommands = CacheCommand.class,
    description = {
      "Builds the virtual machine images that an architecture file describes: downloads each"
          + " base image (into a verified cache), checks its checksum, converts it to qcow2,"
          + " resizes it and publishes it atomically.",
      ""
    },
    exitCodeListHeading = "%nExit codes:%n",
    exitCodeList = {
      "0:done, or already up to date",
      "1:unexpected internal error",
      "2:usage error",
      "3:invalid input (architecture file, size, output folder)",
      "4:download failed",
      "5:checksum mismatch",
      "6:an external tool or the file system failed",
      "7:a required tool is missing",
      "8:output exists and differs (pass --overwrite)",
      "130:interrupted"
    })
public final class GenVmImageCommand implements Callable<Integer> {
  static final String NAME = "gen-vm-image";

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--architecture-path",
      paramLabel = "ARCHITECTURE_PATH",
      description =
          "The path to the architecture file that is used to configure the images to be built.")
  Path architecturePath = DEFAULT_ARCHITECTURE;

  static final Path DEFAULT_ARCHITECTURE = Path.of("architecture.yml");

  /** The system property in which the launchers name the folder of the example files. */
  static final String EXAMPLES = "genvmimage.examples";

  @Option(
      names = "--image-output-path",
      paramLabel = "IMAGE_OUTPUT_PATH",
      description =
          "The output path of the built image. With several images in the architecture file,"
              + " each is written beside it as <image-key>.qcow2. A folder (a path ending with"
              + " '/', or an existing folder) receives image.qcow2, or with several images each"
              + " <image-key>.qcow2.")
  Path imageOutputPath = Path.of(OutputPaths.DEFAULT);

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

  @Option(
      names = "--gocd-config-name",
      paramLabel = "GOCD_CONFIG_NAME",
      description = "Name of the generated gocd config file.")
  String gocdConfigName = GocdSettings.DEFAULT_CONFIG_NAME;

  @Option(
      names = "--gocd-build-branch",
      paramLabel = "GOCD_BUILD_BRANCH",
      description = "The branch that GoCD should use to build images.")
  String gocdBuildBranch = GocdSettings.DEFAULT_BRANCH;

  @Option(
      names = "--gocd-config-only",
      description =
          "Write the GoCD config and exit without building any image (implies"
              + " --generate-gocd-config).")
  boolean gocdConfigOnly;

  @Option(
      names = "--gocd-material-url",
      paramLabel = "URL",
      showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER,
      description =
          "The git URL that GoCD clones. Default: the URL of the remote 'origin' (else the only"
              + " remote) of the repository that holds the architecture file, without"
              + " credentials.")
  String gocdMaterialUrl;

  @Option(
      names = "--gocd-material-username",
      paramLabel = "USER",
      showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER,
      description = "The user name GoCD clones with (written as it is). Default: none.")
  String gocdMaterialUsername;

  @Option(
      names = "--gocd-material-password-secret",
      paramLabel = "CONFIG_ID:KEY",
      showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER,
      description =
          "The password or token GoCD clones with, as a reference to the secret KEY in the"
              + " GoCD secret config CONFIG_ID: {{SECRET:[CONFIG_ID][KEY]}}. Default: none.")
  String gocdMaterialPasswordSecret;

  @Option(
      names = "--gocd-group",
      paramLabel = "NAME",
      description = "The pipeline group, also the environment that lists the pipelines.")
  String gocdGroup = GocdSettings.DEFAULT_GROUP;

  @Option(
      names = "--gocd-template",
      paramLabel = "NAME",
      description = "The template each pipeline uses; it must exist on the GoCD server.")
  String gocdTemplate = GocdSettings.DEFAULT_TEMPLATE;

  @Option(
      names = "--gocd-inline-stages",
      description =
          "Give each pipeline its own stage that builds the image with this tool and keeps it as"
              + " an artifact, instead of naming --gocd-template.")
  boolean gocdInlineStages;

  @Option(
      names = "--gocd-lock-behavior",
      paramLabel = "BEHAVIOR",
      description = "Each pipeline's lock_behavior: ${COMPLETION-CANDIDATES}.")
  LockBehavior gocdLockBehavior = LockBehavior.none;

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

  @Option(
      names = "--retries",
      paramLabel = "N",
      description = "Attempts per download (connection errors, HTTP 5xx, stalls).")
  int retries = DownloadSettings.defaults().maxAttempts();

  @Option(
      names = "--stall-timeout",
      paramLabel = "SECONDS",
      description = "Give up on a download attempt that receives no data for this long.")
  long stallTimeoutSeconds = DownloadSettings.defaults().stallTimeout().toSeconds();

  @Option(
      names = "--dry-run",
      description =
          "Print what would be done and change nothing on disk: per image the output's state,"
              + " the source (cache hit or download), the checksum, the qemu-img commands and the"
              + " owner. Downloads nothing but sums files (into memory). Exits as the run would"
              + " for the checks it can make (8 for an output that needs --overwrite).")
  boolean dryRun;

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      description =
          "What stdout carries: text (one line per image, or the plan) or json (one JSON"
              + " document, described in the README). Logs and progress stay on stderr.")
  JsonReport.Format outputFormat = JsonReport.Format.text;

  @Mixin OutputOptions output;

  /** What the JSON document reports, filled in as the run gets along. */
  private final List<BuildReport.Image> imageReports = new ArrayList<>();

  private BuildReport.GocdConfig gocdReport;

  /** The architecture file's {@code owner:}, once it is read. */
  private String architectureOwner;

  /** Runs the command; the exit code is returned, not passed to System.exit. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return Cli.run(new GenVmImageCommand(), out, err, args);
  }

  public static void main(String[] args) {
    Logging.configure(Logging.fromArgs(args));
    System.exit(run(new PrintWriter(System.out, true), new PrintWriter(System.err, true), args));
  }

  @Override
  public Integer call() {
    // On Ctrl-C the JVM halts once the interrupt hooks are done; this one holds it until the
    // results are printed.
    return Interruptible.run(this::executeAndReport, () -> {});
  }

  private int executeAndReport() {
    if (outputFormat != JsonReport.Format.json) {
      return execute();
    }
    try {
      int code = execute();
      writeJson(code, null);
      return code;
    } catch (GenVmException e) {
      writeJson(e.exitCode(), JsonReport.oneLine(e.getMessage()));
      throw e;
    } catch (RuntimeException | Error e) {
      writeJson(ExitCode.INTERNAL, "unexpected " + e);
      throw e;
    }
  }

  private void writeJson(int exitCode, String error) {
    Map<String, Object> document = JsonReport.document(NAME, exitCode, dryRun, error);
    document.put("architecture_path", architecturePath.toAbsolutePath().normalize().toString());
    document.put("architecture_owner", architectureOwner);
    document.put("gocd_config", gocdReport);
    document.put("images", imageReports);
    JsonReport.write(spec.commandLine().getOut(), document);
  }

  private int execute() {
    boolean text = outputFormat != JsonReport.Format.json;
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (jobs != null && jobs < 1) {
      throw new GenVmException(ExitCode.USAGE, "--jobs must be at least 1, not " + jobs);
    }
    if (retries < 1 || stallTimeoutSeconds < 1) {
      throw new GenVmException(ExitCode.USAGE, "--retries and --stall-timeout must be at least 1");
    }
    // checked before anything is built; the GoCD config alone needs no owner
    ImageOwner owner =
        gocdConfigOnly
            ? null
            : generatedImageOwner != null
                ? ImageOwner.named(generatedImageOwner)
                : ImageOwner.distributionDefault();
    if (!Files.exists(architecturePath) && architecturePath.equals(DEFAULT_ARCHITECTURE)) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT,
          missingArchitecture(
              architecturePath.toAbsolutePath(), examplesDir(System.getProperty(EXAMPLES))));
    }
    Architecture architecture = ArchitectureLoader.load(architecturePath);
    architectureOwner = architecture.owner();
    Map<String, java.nio.file.Path> outputs =
        OutputPaths.plan(architecture, images, outputPathAsWritten());

    try (Console console =
        new Console(
            NAME, err, output.verbosity(), Console.isInteractiveTerminal(), output.stacktrace)) {
      if (generateGocdConfig || gocdConfigOnly) {
        Path config = writeGocdConfig(architecture, console, !dryRun);
        gocdReport = new BuildReport.GocdConfig(config.toString(), !dryRun);
        if (text) {
          out.println(dryRun ? "would write the GoCD config " + config : config);
          out.flush();
        }
        if (gocdConfigOnly) {
          return ExitCode.OK;
        }
      }
      DownloadSettings defaults = DownloadSettings.defaults();
      DownloadSettings settings =
          new DownloadSettings(
              retries,
              defaults.initialBackoff(),
              defaults.maxBackoff(),
              defaults.connectTimeout(),
              Duration.ofSeconds(stallTimeoutSeconds),
              defaults.bufferSize());
      Path cache = cacheDir.resolve();
      Downloader downloader = new Downloader(new DownloadCache(cache), settings);
      BuildTools tools =
          new BuildTools(
              downloader,
              new RealQemuImg(new ProcessRunner(), RealQemuImg.executableFromEnvironment()),
              console,
              owner,
              overwrite);
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
      return report(architecture, results, text ? out : null, console);
    }
  }

  /**
   * {@code --image-output-path} as the user wrote it: a Path drops the trailing '/' that makes it a
   * folder to write into.
   */
  private String outputPathAsWritten() {
    picocli.CommandLine.Model.OptionSpec option =
        spec.commandLine().getParseResult().matchedOption("--image-output-path");
    if (option == null || option.stringValues().isEmpty()) {
      return imageOutputPath.toString();
    }
    List<String> written = option.stringValues();
    return written.get(written.size() - 1);
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
    int exit = ExitCode.OK;
    for (ImagePlan p : plans) {
      imageReports.add(BuildReport.of(architecture.images().get(p.key()), p));
      if (p.failed()) {
        console.error(p.key() + ": " + p.error().getMessage(), p.error());
        if (exit == ExitCode.OK) {
          exit = p.exitCode();
        }
      }
    }
    if (out != null) {
      out.println("dry run: nothing was changed on disk");
      DryRunText.print(plans, out);
    }
    return exit;
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
   * Writes the GoCD config for the selected images to {@code --gocd-config-name} (relative to the
   * current folder) and returns its path.
   */
  private Path writeGocdConfig(Architecture architecture, Console console, boolean write) {
    SecretRef password = null;
    if (gocdMaterialPasswordSecret != null) {
      try {
        password = SecretRef.parse(gocdMaterialPasswordSecret);
      } catch (IllegalArgumentException e) {
        throw new GenVmException(
            ExitCode.USAGE, "--gocd-material-password-secret: " + e.getMessage());
      }
    }
    Path file = architecture.file().toAbsolutePath().normalize();
    GitRepository git = new GitRepository(new ProcessRunner(), Folders.of(file));
    String url = gocdMaterialUrl;
    if (url == null) {
      MaterialUrls.Cleaned remote = MaterialUrls.clean(git.remoteUrl());
      url = remote.url();
      if (remote.changed()) {
        console.warn(
            "the git remote's URL holds credentials; they are left out of the GoCD config (use"
                + " --gocd-material-username and --gocd-material-password-secret): "
                + url);
      }
      if (!MaterialUrls.isRemote(url)) {
        console.warn(
            "the git remote '"
                + url
                + "' is not a network URL that a GoCD server can clone; pass --gocd-material-url");
      }
    }
    GocdSettings settings =
        new GocdSettings(
            url,
            gocdBuildBranch,
            gocdGroup,
            gocdTemplate,
            gocdInlineStages,
            gocdLockBehavior,
            gocdMaterialUsername,
            password,
            pathInRepository(file, git, console));
    Path config = Path.of(gocdConfigName);
    String yaml = GocdYaml.render(GocdConfig.build(architecture, images, settings));
    if (write) {
      GocdYaml.write(config, yaml);
      console.debug("wrote the GoCD config " + config);
    }
    return config;
  }

  /**
   * The architecture file's path from the top of its git repository, or else from the current
   * folder, or else its name alone (with a warning), with '/' between the parts.
   */
  private static String pathInRepository(Path file, GitRepository git, Console console) {
    Path top = git.topLevel().orElse(null);
    Path base = top != null ? top : Path.of("").toAbsolutePath();
    Path relative;
    try {
      relative = base.toRealPath().relativize(file.toRealPath());
    } catch (java.io.IOException | IllegalArgumentException e) {
      relative = base.relativize(file);
    }
    if (relative.startsWith("..") || relative.toString().isEmpty()) {
      relative = file.getFileName();
      console.warn(
          "the architecture file "
              + file
              + " is neither in a git repository nor under the current folder; the pipelines"
              + " expect it as "
              + relative
              + " at the top of the repository they clone");
    }
    return String.join(
        "/",
        java.util.stream.StreamSupport.stream(relative.spliterator(), false)
            .map(Path::toString)
            .toList());
  }

  /**
   * One line per image on stdout (none when out is null), errors on stderr; the exit code of the
   * first failure.
   */
  private static int report(
      Architecture architecture, List<ImageResult> results, PrintWriter out, Console console) {
    int exit = ExitCode.OK;
    int width = results.stream().mapToInt(r -> r.key().length()).max().orElse(0);
    for (ImageResult r : results) {
      String key = String.format("%-" + width + "s", r.key());
      if (r.failed()) {
        if (r.outcome() != org.genvmimage.image.ImageBuild.Outcome.SKIPPED) {
          console.error(r.key() + ": " + r.error().getMessage(), r.error());
        }
        if (exit == ExitCode.OK) {
          exit = r.exitCode();
        }
      }
      if (out == null) {
        continue;
      }
      if (r.outcome() == org.genvmimage.image.ImageBuild.Outcome.SKIPPED) {
        out.println(key + "  skipped     " + r.output() + "  (interrupted before it started)");
      } else if (r.failed()) {
        out.println(key + "  failed      " + r.output() + "  (exit " + r.exitCode() + ")");
      } else if (r.outcome() == org.genvmimage.image.ImageBuild.Outcome.UP_TO_DATE) {
        out.println(key + "  up to date  " + r.output());
      } else {
        boolean local =
            "file".equalsIgnoreCase(architecture.images().get(r.key()).source().getScheme());
        String how =
            r.cacheHit()
                ? "cached source"
                : local ? "local source" : "downloaded " + Units.bytes(r.bytesDownloaded());
        out.println(
            key
                + "  built       "
                + r.output()
                + "  ("
                + how
                + ", "
                + Units.duration(r.elapsed())
                + ")");
      }
    }
    if (out != null) {
      out.flush();
    }
    return exit;
  }
}
