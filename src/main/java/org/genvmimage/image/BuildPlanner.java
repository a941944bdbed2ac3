package org.genvmimage.image;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.genvmimage.architecture.Architecture;
import org.genvmimage.architecture.ImageSpec;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.Folders;
import org.genvmimage.core.GenVmException;
import org.genvmimage.core.IoErrors;
import org.genvmimage.download.FetchPreview;
import org.genvmimage.download.FetchResult;
import org.genvmimage.qemu.QemuImgCommands;

/**
 * The dry run of {@link ImageBuilder}: for each image, what the build would do and which of its
 * checks would fail, found without writing anything and without downloading a base image. It reads
 * sums files (into memory), the cache, the output and its build record, and runs {@code qemu-img
 * info} on base images and outputs that are already on disk. Images are planned one after another.
 */
public final class BuildPlanner {
  /** The stand-in for the random part of the temporary file's name. */
  public static final String RANDOM = "<random>";

  /** The stand-in for a base image format that only a download can tell. */
  public static final String UNKNOWN_FORMAT = "<format>";

  private final BuildTools tools;
  private final QemuImgCommands commands;
  private final FetchPreview preview;

  public BuildPlanner(BuildTools tools, QemuImgCommands commands) {
    this.tools = tools;
    this.commands = commands;
    this.preview = new FetchPreview(tools.downloader());
  }

  /** Plans the given images (key to output path), one plan per image, in order. */
  public List<ImagePlan> plan(Architecture architecture, Map<String, Path> outputs) {
    List<ImagePlan> plans = new ArrayList<>();
    for (Map.Entry<String, Path> e : outputs.entrySet()) {
      ImageSpec spec = architecture.images().get(e.getKey());
      plans.add(planOne(new Draft(new ImageBuild(spec, architecture.file(), e.getValue()))));
    }
    return plans;
  }

  /** The plan as far as it got. */
  private final class Draft {
    final ImageBuild build;
    final long start = System.nanoTime();
    ImagePlan.Action action;
    FetchPreview.Checksum checksum;
    ImagePlan.Source source;
    Path sourcePath;
    long resumeBytes;
    Path temp;
    List<List<String>> commandLines = List.of();
    String materialize;
    String owner;
    Boolean ownerExists;

    Draft(ImageBuild build) {
      this.build = build;
    }

    ImagePlan finish(GenVmException error) {
      ImageSpec spec = build.spec;
      return new ImagePlan(
          spec.key(),
          build.output,
          action,
          spec.checksum().type(),
          checksum == null ? null : checksum.hex(),
          checksum == null ? null : checksum.origin(),
          spec.checksum().sumsFile(),
          checksum == null ? null : checksum.recordedAt(),
          source,
          spec.source(),
          sourcePath,
          resumeBytes,
          build.sourceInfo,
          temp,
          commandLines,
          materialize,
          owner,
          ownerExists,
          action == ImagePlan.Action.UP_TO_DATE ? build.outputInfo : null,
          error,
          Duration.ofNanos(System.nanoTime() - start));
    }
  }

  private ImagePlan planOne(Draft draft) {
    try {
      if (Thread.currentThread().isInterrupted()) {
        throw new GenVmException(ExitCode.INTERRUPTED, "interrupted");
      }
      planSteps(draft);
      return draft.finish(null);
    } catch (GenVmException e) {
      return draft.finish(e);
    } catch (IOException e) {
      return draft.finish(new GenVmException(ExitCode.TOOL_FAILED, IoErrors.reason(e), e));
    } catch (RuntimeException e) {
      return draft.finish(new GenVmException(ExitCode.INTERNAL, "unexpected error: " + e, e));
    }
  }

  private void planSteps(Draft draft) throws IOException {
    ImageBuild build = draft.build;
    ImageSpec spec = build.spec;
    // as CheckOutputStep, without creating the output folder
    draft.checksum = preview.checksum(FetchRequests.of(spec));
    build.checksumHex = draft.checksum.hex();
    Path output = build.output;
    draft.action = ImagePlan.Action.CREATE;
    if (Files.exists(output, LinkOption.NOFOLLOW_LINKS)) {
      if (new CheckOutputStep(tools).isUpToDate(build)) {
        draft.action = ImagePlan.Action.UP_TO_DATE;
        baseImageOnDisk(draft);
        return;
      }
      if (!tools.overwrite() && !Files.isDirectory(output)) {
        draft.action = ImagePlan.Action.BLOCKED;
      }
      CheckOutputStep.requireReplaceable(output, tools.overwrite());
      draft.action = ImagePlan.Action.OVERWRITE;
    }
    checkOutputFolder(Folders.of(output));

    // as FetchStep, without fetching
    URI url = spec.source();
    if ("file".equalsIgnoreCase(url.getScheme())) {
      draft.source = ImagePlan.Source.LOCAL_FILE;
      draft.sourcePath = Path.of(url);
      if (!Files.isRegularFile(draft.sourcePath)) {
        throw new GenVmException(ExitCode.DOWNLOAD_FAILED, draft.sourcePath + ": no such file");
      }
    } else {
      FetchPreview.CacheState cached =
          preview.cacheState(spec.checksum().type(), build.checksumHex);
      draft.source = cached.entry() != null ? ImagePlan.Source.CACHE : ImagePlan.Source.DOWNLOAD;
      draft.sourcePath =
          cached.entry() != null
              ? cached.entry()
              : tools.downloader().cache().entryPath(spec.checksum().type(), build.checksumHex);
      draft.resumeBytes = cached.partialBytes();
    }

    // as InspectStep, when the base image is on disk
    if (draft.source != ImagePlan.Source.DOWNLOAD) {
      build.fetched =
          new FetchResult(
              draft.sourcePath,
              spec.checksum().type(),
              build.checksumHex,
              draft.source == ImagePlan.Source.CACHE,
              0,
              url);
      new InspectStep(tools).run(build);
    }

    // the commands of InspectStep, ConvertStep, ResizeStep and CheckStep, in order
    Path dir = Folders.of(output);
    draft.temp = dir.resolve("." + output.getFileName() + "." + RANDOM + ".tmp");
    String format = build.sourceInfo != null ? build.sourceInfo.format() : null;
    long size = spec.size().bytes();
    List<List<String>> lines = new ArrayList<>();
    lines.add(commands.info(draft.sourcePath));
    // as ConvertStep: a self-contained qcow2 compat 1.1 base image is copied, not converted
    if (build.sourceInfo == null) {
      draft.materialize = "unknown";
      lines.add(withUnknownFormat(commands.convert(draft.sourcePath, "raw", draft.temp)));
    } else if (build.sourceInfo.selfContainedQcow2v3()) {
      draft.materialize = "copy";
    } else {
      draft.materialize = "convert";
      lines.add(commands.convert(draft.sourcePath, format, draft.temp));
    }
    if (build.sourceInfo == null || size > build.sourceInfo.virtualSize()) {
      lines.add(commands.resize(draft.temp, QemuImgCommands.QCOW2, size));
    }
    lines.add(commands.check(draft.temp, QemuImgCommands.QCOW2));
    lines.add(commands.info(draft.temp));
    draft.commandLines = List.copyOf(lines);

    // as PublishStep
    draft.owner = tools.owner().user();
    draft.ownerExists = draft.owner == null ? null : userExists(draft.owner);
  }

  /**
   * For an up-to-date output, which the build leaves alone without reading its base image: where
   * that base image is when it is on disk (a cache entry or the local file), so that the plan says
   * what is true about the cache; nothing when it is not (no download would happen either).
   */
  private void baseImageOnDisk(Draft draft) {
    ImageSpec spec = draft.build.spec;
    URI url = spec.source();
    if ("file".equalsIgnoreCase(url.getScheme())) {
      Path local = Path.of(url);
      if (Files.isRegularFile(local)) {
        draft.source = ImagePlan.Source.LOCAL_FILE;
        draft.sourcePath = local;
      }
      return;
    }
    FetchPreview.CacheState cached =
        preview.cacheState(spec.checksum().type(), draft.build.checksumHex);
    if (cached.entry() != null) {
      draft.source = ImagePlan.Source.CACHE;
      draft.sourcePath = cached.entry();
    }
  }

  /** The checks of CheckOutputStep on a folder that may not exist yet, creating nothing. */
  private static void checkOutputFolder(Path dir) {
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

  private static List<String> withUnknownFormat(List<String> command) {
    List<String> copy = new ArrayList<>(command);
    copy.set(copy.indexOf("-f") + 1, UNKNOWN_FORMAT);
    return List.copyOf(copy);
  }

  private static Boolean userExists(String owner) {
    try {
      FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(owner);
      return true;
    } catch (UserPrincipalNotFoundException e) {
      return false;
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }
}
