package org.genvmimage.manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.genvmimage.architecture.Architecture;
import org.genvmimage.architecture.ImageSpec;
import org.genvmimage.console.Console;
import org.genvmimage.console.Units;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.Folders;
import org.genvmimage.core.GenVmException;
import org.genvmimage.core.IoErrors;
import org.genvmimage.qemu.ImageInfo;
import org.genvmimage.qemu.QemuImg;

/**
 * {@code gen-vm-image verify}: reads every output again, whole, and compares its SHA-256 with its
 * line in the folder's {@value Sha256Sums#FILE_NAME}, and its format and virtual size ({@code
 * qemu-img info}) with the architecture file. Changes nothing.
 */
public final class Verifier {
  /** How one output compared. */
  public enum Status {
    /** Listed, same digest, format and virtual size. */
    OK,
    /** Its digest, format or virtual size differs. */
    MISMATCH,
    /** There is no file at the output path. */
    MISSING,
    /** Its folder has no manifest. */
    NO_MANIFEST,
    /** The manifest has no line for it. */
    UNLISTED,
    /** It could not be read (qemu-img info failed, or reading it did). */
    FAILED;

    /** The exit code of an output with this status. */
    public ExitCode exitCode() {
      return switch (this) {
        case OK -> ExitCode.OK;
        case MISMATCH -> ExitCode.CHECKSUM_MISMATCH;
        case MISSING, NO_MANIFEST, UNLISTED -> ExitCode.INVALID_INPUT;
        case FAILED -> ExitCode.TOOL_FAILED;
      };
    }
  }

  /**
   * One output's verification.
   *
   * @param manifest the manifest it is (or would be) listed in
   * @param expectedSha256 the manifest's digest for it, or null
   * @param sha256 its digest, or null when it was not read
   * @param info {@code qemu-img info} of it, or null
   * @param problems what is wrong, one sentence each (empty when OK)
   */
  public record Result(
      String key,
      Path output,
      Path manifest,
      Status status,
      String expectedSha256,
      String sha256,
      ImageInfo info,
      String expectedFormat,
      long expectedVirtualSize,
      List<String> problems) {}

  private final QemuImg qemuImg;
  private final Console console;
  private final Map<Path, Sha256Sums> manifests = new HashMap<>();

  public Verifier(QemuImg qemuImg, Console console) {
    this.qemuImg = qemuImg;
    this.console = console;
  }

  /** Verifies these outputs (image key to path) of the architecture file, in order. */
  public List<Result> verify(Architecture architecture, Map<String, Path> outputs) {
    List<Result> results = new ArrayList<>();
    for (Map.Entry<String, Path> e : outputs.entrySet()) {
      results.add(verify(architecture.images().get(e.getKey()), e.getValue()));
    }
    return results;
  }

  /**
   * The run's exit code: {@link ExitCode#CHECKSUM_MISMATCH} when any output does not match, else
   * the first other failure's, else OK.
   */
  public static int exitCode(List<Result> results) {
    if (results.stream().anyMatch(r -> r.status() == Status.MISMATCH)) {
      return ExitCode.CHECKSUM_MISMATCH.code();
    }
    return results.stream()
        .map(r -> r.status().exitCode().code())
        .filter(c -> c != ExitCode.OK.code())
        .findFirst()
        .orElse(ExitCode.OK.code());
  }

  private Result verify(ImageSpec spec, Path output) {
    String key = spec.key();
    ManifestFolder folder = new ManifestFolder(Folders.of(output));
    String name = output.getFileName().toString();
    Sha256Sums sums = manifest(folder);
    String expected = sums == null ? null : sums.get(name).orElse(null);
    List<String> problems = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    Status status = Status.OK;
    if (!Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
      problems.add(
          output
              + ": missing"
              + (expected != null ? " (" + folder.manifest() + " lists it)" : "")
              + "; build it with gen-vm-image");
      return result(spec, output, folder, Status.MISSING, expected, null, null, problems);
    }
    if (!Files.isRegularFile(output)) {
      problems.add(output + ": not a file");
      return result(spec, output, folder, Status.FAILED, expected, null, null, problems);
    }
    if (sums == null) {
      missing.add(folder.manifest() + ": missing; gen-vm-image writes it when it builds");
    } else if (expected == null) {
      missing.add(
          output
              + ": not listed in "
              + folder.manifest()
              + "; gen-vm-image lists it when it builds");
    }
    ImageInfo info = null;
    try {
      info = qemuImg.info(output);
      if (!spec.outputFormat().equals(info.format())) {
        problems.add(
            output
                + ": is "
                + info.format()
                + ", the architecture file says "
                + spec.outputFormat());
      }
      if (info.virtualSize() != spec.size().bytes()) {
        problems.add(
            String.format(
                Locale.ROOT,
                "%s: has a virtual size of %s (%d bytes), the architecture file says %s",
                output,
                Units.bytes(info.virtualSize()),
                info.virtualSize(),
                spec.size()));
      }
    } catch (GenVmException e) {
      if (e.exitCode() == ExitCode.TOOL_MISSING.code()
          || e.exitCode() == ExitCode.INTERRUPTED.code()) {
        throw e;
      }
      status = Status.FAILED;
      missing.add(output + ": " + e.getMessage());
    }
    String actual = null;
    if (expected != null) {
      try {
        actual = hash(key, output);
      } catch (IOException e) {
        status = Status.FAILED;
        missing.add(output + ": cannot read it: " + IoErrors.reason(e));
      }
      if (actual != null && !actual.equals(expected)) {
        problems.add(
            output
                + ": sha256 is "
                + actual
                + ", "
                + folder.manifest()
                + " says "
                + expected
                + changedSince(folder, name, output));
      }
    }
    if (!problems.isEmpty()) {
      status = Status.MISMATCH;
    } else if (sums == null) {
      status = Status.NO_MANIFEST;
    } else if (expected == null) {
      status = Status.UNLISTED;
    }
    problems.addAll(missing);
    return result(spec, output, folder, status, expected, actual, info, problems);
  }

  private String hash(String key, Path output) throws IOException {
    long total = Files.size(output);
    String size = Units.bytes(total);
    try {
      return FileHash.sha256(
          output,
          read ->
              console.progress(
                  key,
                  String.format(
                      Locale.ROOT,
                      "hashing %3.0f%% of %s",
                      total == 0 ? 100.0 : 100.0 * read / total,
                      size)));
    } finally {
      console.done(key);
    }
  }

  /** A note when the file changed after its line was written (by something other than us). */
  private static String changedSince(ManifestFolder folder, String name, Path output) {
    try {
      ManifestEntry recorded = folder.recorded().get(name);
      FileStamp now = FileStamp.of(output);
      if (recorded != null && now != null && !recorded.stamp().equals(now)) {
        return " (the file changed after its line was written: modified "
            + now.modified()
            + "; an image changed on purpose is listed anew by the next gen-vm-image run)";
      }
    } catch (IOException e) {
      // only a note
    }
    return "";
  }

  /** A folder's manifest, read once; null when it has none. */
  private Sha256Sums manifest(ManifestFolder folder) {
    return manifests.computeIfAbsent(
        folder.dir(),
        dir -> {
          if (!Files.isRegularFile(folder.manifest())) {
            return null;
          }
          try {
            return Sha256Sums.read(folder.manifest());
          } catch (IOException e) {
            throw new GenVmException(
                ExitCode.INVALID_INPUT,
                folder.manifest() + ": cannot read it: " + IoErrors.reason(e),
                e);
          }
        });
  }

  private static Result result(
      ImageSpec spec,
      Path output,
      ManifestFolder folder,
      Status status,
      String expected,
      String actual,
      ImageInfo info,
      List<String> problems) {
    return new Result(
        spec.key(),
        output,
        folder.manifest(),
        status,
        expected,
        actual,
        info,
        spec.outputFormat(),
        spec.size().bytes(),
        List.copyOf(problems));
  }
}
