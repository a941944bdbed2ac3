package org.genvmimage.qemu;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.DoubleConsumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.FileTrees;
import org.genvmimage.core.GenVmException;
import org.genvmimage.core.IoErrors;
import org.genvmimage.process.CommandRunner;
import org.genvmimage.process.CommandSpec;
import org.genvmimage.process.Commands;
import org.genvmimage.process.InstallHint;
import org.genvmimage.process.ProcessResult;

/** {@link QemuImg} backed by the {@code qemu-img} program, reading its JSON output. */
public final class RealQemuImg implements QemuImg {
  /** The environment variable that names another qemu-img program. */
  public static final String ENV = "GEN_VM_IMAGE_QEMU_IMG";

  /** qemu-img, or the program that {@value #ENV} names. */
  public static String executableFromEnvironment() {
    String configured = System.getenv(ENV);
    return configured == null || configured.isBlank() ? "qemu-img" : configured;
  }

  /** What to tell the user when qemu-img is not installed: the package for this distribution. */
  public static final String MISSING_HINT = InstallHint.forThisSystem(InstallHint.Program.QEMU_IMG);

  /** Limit for metadata-only commands, so that a hostile image cannot keep qemu-img busy. */
  static final Duration METADATA_TIMEOUT = Duration.ofMinutes(2);

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern PROGRESS = Pattern.compile("\\((\\d{1,3}(?:\\.\\d+)?)/100%\\)");

  private final CommandRunner runner;
  private final QemuImgCommands commands;
  private final Map<String, Optional<String>> probes = new ConcurrentHashMap<>();

  public RealQemuImg(CommandRunner runner) {
    this(runner, QemuImgCommands.DEFAULT_EXECUTABLE);
  }

  public RealQemuImg(CommandRunner runner, String executable) {
    this.runner = runner;
    this.commands = new QemuImgCommands(executable);
  }

  @Override
  public QemuImgCommands commands() {
    return commands;
  }

  @Override
  public ImageInfo info(Path image) {
    List<String> command = commands.info(image);
    ProcessResult result = runner.run(spec(command).withTimeout(METADATA_TIMEOUT));
    return parseInfo(result.stdout(), command);
  }

  @Override
  public ImageInfo info(Path image, String format) {
    List<String> command = commands.info(image, format);
    ProcessResult result = runner.run(spec(command).withTimeout(METADATA_TIMEOUT));
    return parseInfo(result.stdout(), command);
  }

  @Override
  public void convert(Path source, String sourceFormat, Path target, DoubleConsumer progress) {
    convert(source, sourceFormat, target, QemuImgCommands.QCOW2, progress);
  }

  @Override
  public void convert(
      Path source, String sourceFormat, Path target, TargetFormat to, DoubleConsumer progress) {
    CommandSpec spec = spec(commands.convert(source, sourceFormat, target, to));
    if (progress != null) {
      spec = spec.withStdout(line -> parseProgress(line).ifPresent(progress));
    }
    runner.run(spec);
  }

  /**
   * Compressed clusters are tried out once per compression type: {@code qemu-img create} of a small
   * image in that format in a temporary folder, which fails when qemu-img lacks the type (zstd
   * needs QEMU 5.1 or later, built with zstd).
   */
  @Override
  public Optional<String> cannotWrite(TargetFormat to) {
    if (!to.compressed()) {
      return Optional.empty();
    }
    return probes.computeIfAbsent(to.options(), options -> probe(to));
  }

  private Optional<String> probe(TargetFormat to) {
    Path dir = null;
    try {
      dir = Files.createTempDirectory("gen-vm-image-probe");
      List<String> command = commands.create(dir.resolve("probe." + to.format()), to, 1 << 20);
      ProcessResult result =
          runner.run(spec(command).withTimeout(METADATA_TIMEOUT).withOkExitCodes(0, 1));
      if (result.exitCode() == 0) {
        return Optional.empty();
      }
      String why = Commands.tail(result.stderr()).replaceFirst("^qemu-img: [^:]*: ", "");
      return Optional.of(
          commands.executable()
              + " cannot write "
              + to
              + " images ("
              + (why.isEmpty() ? "exit " + result.exitCode() : why)
              + ")");
    } catch (IOException e) {
      throw new GenVmException(
          ExitCode.TOOL_FAILED,
          "cannot try out " + to + " images in a temporary folder: " + IoErrors.reason(e),
          e);
    } finally {
      FileTrees.deleteQuietly(dir);
    }
  }

  @Override
  public void amend(Path image, String format, String options) {
    runner.run(spec(commands.amend(image, format, options)));
  }

  @Override
  public void resize(Path image, String format, long bytes) {
    runner.run(spec(commands.resize(image, format, bytes)).withTimeout(METADATA_TIMEOUT));
  }

  @Override
  public void createOverlay(Path overlay, Path backing, String backingFormat) {
    runner.run(
        spec(commands.createOverlay(overlay, backing, backingFormat))
            .withTimeout(METADATA_TIMEOUT));
  }

  @Override
  public void create(Path image, long bytes) {
    create(image, QemuImgCommands.QCOW2, bytes);
  }

  @Override
  public void create(Path image, String format, long bytes) {
    runner.run(spec(commands.create(image, format, bytes)).withTimeout(METADATA_TIMEOUT));
  }

  @Override
  public void create(Path image, String format, long bytes, CreateExtras extras) {
    runner.run(spec(commands.create(image, format, bytes, extras)).withTimeout(METADATA_TIMEOUT));
  }

  @Override
  public byte[] head(Path image, String format, int bytes) {
    Path target = null;
    try {
      target = Files.createTempFile("gen-vm-image-head-", ".raw");
      runner.run(
          spec(commands.head(image.toAbsolutePath(), format, target, bytes))
              .withTimeout(METADATA_TIMEOUT));
      return Files.readAllBytes(target);
    } catch (IOException e) {
      throw new GenVmException(
          ExitCode.TOOL_FAILED, "reading the start of " + image + ": " + IoErrors.reason(e), e);
    } finally {
      if (target != null) {
        try {
          Files.deleteIfExists(target);
        } catch (IOException e) {
          // a temporary file; the system cleans its temp folder
        }
      }
    }
  }

  @Override
  public CheckResult check(Path image, String format) {
    return check(image, format, CreateExtras.NONE);
  }

  @Override
  public CheckResult check(Path image, String format, CreateExtras extras) {
    List<String> command = commands.check(image, format, extras);
    ProcessResult result = runner.run(spec(command).withOkExitCodes(0, 1, 2, 3, 63));
    return parseCheck(result.exitCode(), result.stdout(), result.stderr(), format, command);
  }

  private static CommandSpec spec(List<String> command) {
    return CommandSpec.of(command).withMissingHint(MISSING_HINT);
  }

  /** The percentage in one segment of {@code convert -p} output, such as {@code (12.34/100%)}. */
  static OptionalDouble parseProgress(String segment) {
    Matcher m = PROGRESS.matcher(segment);
    return m.find()
        ? OptionalDouble.of(Math.min(100.0, Double.parseDouble(m.group(1))))
        : OptionalDouble.empty();
  }

  static ImageInfo parseInfo(String json, List<String> command) {
    JsonNode root = readJson(json, command);
    String format = root.path("format").asText(null);
    if (format == null || !root.has("virtual-size")) {
      throw unexpected(command, "no format or virtual-size in " + Commands.tail(json));
    }
    JsonNode data = root.path("format-specific").path("data");
    List<String> external = new ArrayList<>();
    if (data.hasNonNull("data-file")) {
      external.add(data.get("data-file").asText());
    }
    Path self = Path.of(root.path("filename").asText()).toAbsolutePath().normalize();
    for (JsonNode extent : data.path("extents")) {
      String name = extent.path("filename").asText("");
      if (!name.isEmpty() && !Path.of(name).toAbsolutePath().normalize().equals(self)) {
        external.add(name);
      }
    }
    return new ImageInfo(
        format,
        root.path("virtual-size").asLong(),
        root.path("actual-size").asLong(0),
        "qcow2".equals(format) ? data.path("compat").asText(null) : null,
        root.path("backing-filename").asText(null),
        root.path("encrypted").asBoolean(false),
        external,
        root.path("snapshots").size() > 0,
        data.path("corrupt").asBoolean(false));
  }

  static CheckResult parseCheck(
      int exitCode, String stdout, String stderr, String format, List<String> command) {
    CheckResult.Status status = CheckResult.Status.ofExitCode(exitCode);
    JsonNode root =
        stdout.strip().startsWith("{") ? readJson(stdout, command) : JSON.createObjectNode();
    long leaks = root.path("leaks").asLong(0);
    long corruptions = root.path("corruptions").asLong(0);
    long checkErrors = root.path("check-errors").asLong(0);
    String tail = Commands.tail(stderr);
    String detail =
        switch (status) {
          case CLEAN -> "no errors found";
          case LEAKED -> leaks + " leaked clusters (harmless: they only waste space)";
          case CORRUPT -> corruptions + " corruptions" + (tail.isEmpty() ? "" : ": " + tail);
          case ERROR ->
              "the check could not be completed"
                  + (checkErrors > 0 ? " (" + checkErrors + " errors while checking)" : "")
                  + (tail.isEmpty() ? "" : ": " + tail);
          case NOT_SUPPORTED -> format + " images have no consistency check";
        };
    return new CheckResult(status, leaks, corruptions, detail);
  }

  private static JsonNode readJson(String json, List<String> command) {
    try {
      JsonNode root = JSON.readTree(json);
      if (root == null || !root.isObject()) {
        throw unexpected(command, "no JSON object");
      }
      return root;
    } catch (JsonProcessingException e) {
      throw unexpected(command, e.getOriginalMessage());
    }
  }

  private static GenVmException unexpected(List<String> command, String why) {
    return new GenVmException(
        ExitCode.TOOL_FAILED, Commands.display(command) + " gave unexpected output: " + why);
  }
}
