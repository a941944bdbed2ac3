package org.genvmimage.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Optional;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.Folders;
import org.genvmimage.core.GenVmException;
import org.genvmimage.core.IoErrors;
import org.genvmimage.download.ResolvedChecksum;
import org.genvmimage.qemu.ImageInfo;
import org.genvmimage.step.Step;

/**
 * Before any download: resolves the expected checksum, decides whether the output is already up to
 * date (stops the build when it is), refuses to replace a different file without --overwrite (and a
 * folder in any case), and makes sure the output folder exists and is writable. The folders it
 * creates are recorded in {@link OutputFolders}, which removes them after a run that left them
 * empty.
 *
 * <p>A signed sums file ({@code checksum.signed_by}) is verified here, before anything is
 * downloaded, and by a plan too (its files are read into memory only).
 *
 * <p>Uses the spec and output path; produces {@code checksum} (none for a blank disk; for a local
 * base image without a checksum, its digest, and {@code fetched}), {@code signedBy} and possibly
 * {@code outcome}; a plan also produces the checksum's origin and the action on the output.
 */
final class CheckOutputStep implements Step<ImageBuild> {
  private final BuildTools tools;
  private final OutputFolders folders;

  CheckOutputStep(BuildTools tools, OutputFolders folders) {
    this.tools = tools;
    this.folders = folders;
  }

  @Override
  public String name() {
    return "check output";
  }

  @Override
  public void run(ImageBuild build) throws IOException {
    if (build.spec.unverifiedLocal()) {
      readLocal(build);
    } else if (build.spec.unverifiedDownload()) {
      downloadUnverified(build);
    } else if (!build.spec.blank()) {
      ResolvedChecksum resolved = tools.downloader().checksum(FetchRequests.of(build.spec), null);
      build.checksum = resolved.digest();
      build.signedBy = resolved.signedBy();
    }
    if (upToDate(build)) {
      build.outcome = ImageBuild.Outcome.UP_TO_DATE;
      build.releaseSource();
      return;
    }
    Path dir = Folders.of(build.output);
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

  /**
   * Resolves the checksum (a sums file into memory only) and makes the same checks as {@link #run}
   * on an output folder that may not exist yet, creating nothing. For an up-to-date output, notes
   * where its base image is on disk.
   */
  @Override
  public void plan(ImageBuild build) throws IOException {
    PlanDraft plan = build.plan;
    if (build.spec.unverifiedLocal()) {
      readLocal(build);
    } else if (build.spec.unverifiedDownload()) {
      // a plan downloads nothing: it takes the digest of the last build from the same URL, which a
      // build would find again if the server still serves the same bytes
      build.checksum = lastBuilt(build);
    } else if (!build.spec.blank()) {
      plan.checksum = tools.downloader().checksum(FetchRequests.of(build.spec), plan.sums);
      build.checksum = plan.checksum.digest();
      build.signedBy = plan.checksum.signedBy();
    }
    Path output = build.output;
    boolean exists = Files.exists(output, LinkOption.NOFOLLOW_LINKS);
    plan.action = ImagePlan.Action.CREATE;
    if (exists && !tools.overwrite() && !Files.isDirectory(output)) {
      plan.action = ImagePlan.Action.BLOCKED; // unless it is up to date
    }
    if (upToDate(build)) {
      plan.action = ImagePlan.Action.UP_TO_DATE;
      build.outcome = ImageBuild.Outcome.UP_TO_DATE;
      FetchStep.planBaseImageOnDisk(tools, build);
      return;
    }
    if (exists) {
      plan.action = ImagePlan.Action.OVERWRITE;
    }
    checkFutureFolder(Folders.of(output));
  }

  /**
   * Whether an existing output is up to date; fails when it exists, is not, and may not be
   * replaced.
   */
  private boolean upToDate(ImageBuild build) {
    Path output = build.output;
    if (!Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
      return false;
    }
    if (isUpToDate(build)) {
      return true;
    }
    requireReplaceable(output, tools.overwrite());
    return false;
  }

  /**
   * A local base image given without a checksum is read once, here, for its digest, which keys the
   * up-to-date check; {@link FetchStep} then uses it in place without reading it again.
   */
  private void readLocal(ImageBuild build) {
    build.fetched =
        tools.downloader().readLocal(build.spec.source(), FetchRequests.LOCAL_TYPE, null);
    build.checksum = build.fetched.digest();
  }

  /**
   * A base image given by URL without a checksum is downloaded here, every run, into the cache
   * (hashed on the way) for its digest, which keys the up-to-date check as for a local file: the
   * server may serve other bytes under the same URL, and only they tell. {@link FetchStep} then
   * uses the cache entry without fetching it again.
   */
  private void downloadUnverified(ImageBuild build) {
    String task = build.spec.key();
    try {
      build.fetchLease =
          tools
              .downloader()
              .fetchUnverified(
                  build.spec.sources(), FetchRequests.LOCAL_TYPE, FetchStep.listener(tools, task));
    } finally {
      tools.console().done(task);
    }
    build.fetched = build.fetchLease.result();
    build.checksum = build.fetched.digest();
  }

  /** The digest the output's stamp records, when it was built from the same URL; else null. */
  private static org.genvmimage.download.Digest lastBuilt(ImageBuild build) {
    Optional<BuildStamp> stamp = BuildStamp.read(build.output);
    if (stamp.isEmpty()
        || !build.spec.source().toString().equals(stamp.get().source())
        || !FetchRequests.LOCAL_TYPE.equalsIgnoreCase(stamp.get().checksumType())) {
      return null;
    }
    try {
      return new org.genvmimage.download.Digest(
          stamp.get().checksumType(), stamp.get().checksumHex());
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Lets go of the cache entry of an unverified download when the build stops here. */
  @Override
  public void cleanup(ImageBuild build) {
    build.releaseSource();
  }

  /** The checks of {@link #run} on a folder that may not exist yet, creating nothing. */
  private static void checkFutureFolder(Path dir) {
    Path existing = dir;
    while (existing != null && !Files.exists(existing)) {
      existing = existing.getParent();
    }
    if (existing == null || !Files.isDirectory(existing)) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT,
          dir + ": cannot create the output folder: " + existing + " is not a folder");
    }
    if (!Files.isWritable(existing)) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT,
          existing.equals(dir)
              ? dir + ": the output folder is not writable"
              : dir + ": cannot create the output folder: " + existing + " is not writable");
    }
  }

  private boolean isUpToDate(ImageBuild build) {
    if (!Files.isRegularFile(build.output)) {
      return false;
    }
    if (!build.spec.blank() && build.checksum == null) {
      return false; // a plan that knows no digest of an unverified download
    }
    Optional<BuildStamp> stamp = BuildStamp.read(build.output);
    BuildStamp wanted = BuildStamp.of(build, null);
    if (stamp.isEmpty() || !stamp.get().sameOrigin(wanted)) {
      return false;
    }
    try {
      ImageInfo info = build.outputInfo(tools.qemuImg(), build.output);
      build.outputInfo = info;
      return build.spec.outputFormat().equals(info.format())
          && info.virtualSize() == build.spec.size().bytes();
    } catch (GenVmException e) {
      return false;
    }
  }

  /** Fails unless an existing output that is not up to date may be replaced. */
  private static void requireReplaceable(Path output, boolean overwrite) {
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
