package org.genvmimage.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.Folders;
import org.genvmimage.core.GenVmException;
import org.genvmimage.core.IoErrors;
import org.genvmimage.qemu.ImageInfo;
import org.genvmimage.step.Step;

/**
 * Before any download: resolves the expected checksum, decides whether the output is already up to
 * date (stops the build when it is), refuses to replace a different file without --overwrite (and a
 * folder in any case), and makes sure the output folder exists and is writable. The folders it
 * creates are recorded in {@link OutputFolders}, which removes them after a run that left them
 * empty.
 *
 * <p>Uses the spec and output path; produces {@code checksumHex} and possibly {@code outcome}.
 */
final class CheckOutputStep implements Step<ImageBuild> {
  private final BuildTools tools;
  private final OutputFolders folders;

  CheckOutputStep(BuildTools tools, OutputFolders folders) {
    this.tools = tools;
    this.folders = folders;
  }

  /** For the checks alone ({@link #isUpToDate}), which create nothing. */
  CheckOutputStep(BuildTools tools) {
    this(tools, null);
  }

  @Override
  public String name() {
    return "check output";
  }

  @Override
  public void run(ImageBuild build) throws IOException {
    build.checksumHex =
        build.spec.checksum().hex() != null
            ? build.spec.checksum().hex()
            : tools.downloader().resolveChecksum(FetchRequests.of(build.spec));
    Path output = build.output;
    if (Files.exists(output, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      if (isUpToDate(build)) {
        build.outcome = ImageBuild.Outcome.UP_TO_DATE;
        return;
      }
      requireReplaceable(output, tools.overwrite());
    }
    Path dir = Folders.of(output);
    try {
      folders.create(dir);
    } catch (IOException e) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT,
          dir + ": cannot create the output folder: " + IoErrors.reason(e),
          e);
    }
    if (!Files.isWritable(dir)) {
      throw new GenVmException(ExitCode.INVALID_INPUT, dir + ": the output folder is not writable");
    }
  }

  boolean isUpToDate(ImageBuild build) {
    if (!Files.isRegularFile(build.output)) {
      return false;
    }
    Optional<BuildStamp> stamp = BuildStamp.read(build.output);
    BuildStamp wanted =
        new BuildStamp(
            build.spec.source().toString(),
            build.spec.checksum().type(),
            build.checksumHex,
            build.spec.size().bytes(),
            null);
    if (stamp.isEmpty() || !stamp.get().sameOrigin(wanted)) {
      return false;
    }
    try {
      ImageInfo info = tools.qemuImg().info(build.output);
      build.outputInfo = info;
      return "qcow2".equals(info.format()) && info.virtualSize() == build.spec.size().bytes();
    } catch (GenVmException e) {
      return false;
    }
  }

  /** Fails unless an existing output that is not up to date may be replaced. */
  static void requireReplaceable(Path output, boolean overwrite) {
    if (Files.isDirectory(output)) {
      // --overwrite never replaces a folder: said the same with and without it
      throw new GenVmException(
          ExitCode.INVALID_INPUT,
          output
              + ": is a folder where the image would be written; remove it or choose another"
              + " --image-output-path");
    }
    if (!overwrite) {
      throw new GenVmException(
          ExitCode.OUTPUT_EXISTS,
          output
              + ": exists and was not built from this image's checksum and size; pass"
              + " --overwrite to replace it");
    }
  }
}
