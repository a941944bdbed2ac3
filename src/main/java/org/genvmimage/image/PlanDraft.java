package org.genvmimage.image;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.genvmimage.core.GenVmException;
import org.genvmimage.download.ResolvedChecksum;
import org.genvmimage.download.SumsFileMemo;

/**
 * A dry run's notes on one image, filled in by the steps' {@link org.genvmimage.step.Step#plan
 * plan} methods in order, and turned into an {@link ImagePlan}.
 */
final class PlanDraft {
  /** The stand-in for the random part of the temporary file's name. */
  static final String RANDOM = "<random>";

  /** The stand-in for a base image format that only a download can tell. */
  static final String UNKNOWN_FORMAT = "<format>";

  final SumsFileMemo sums;
  final long start = System.nanoTime();
  ImagePlan.Action action;
  ResolvedChecksum checksum;
  ImagePlan.Source source;
  Path sourcePath;
  long resumeBytes;

  /** Whether the base image's compression was guessed from its name (it is not on disk yet). */
  boolean compressionByName;

  final List<List<String>> commands = new ArrayList<>();
  String materialize;
  String owner;
  Boolean ownerExists;

  PlanDraft(SumsFileMemo sums) {
    this.sums = sums;
  }

  /** The plan as far as the steps got; the temporary file and commands only for a whole plan. */
  ImagePlan finish(ImageBuild build, GenVmException error) {
    boolean whole = error == null && action != ImagePlan.Action.UP_TO_DATE;
    return new ImagePlan(
        build.spec.key(),
        build.output,
        action,
        build.spec.checksum() == null
            ? null
            : new ImagePlan.Checksum(
                build.spec.checksum().type(),
                checksum == null ? null : checksum.digest().hex(),
                checksum == null ? null : checksum.origin(),
                build.spec.checksum().sumsFile(),
                checksum == null ? null : checksum.recordedAt(),
                checksum == null ? null : checksum.signedBy()),
        new ImagePlan.Origin(
            source,
            build.spec.source(),
            sourcePath,
            resumeBytes,
            build.sourceInfo,
            build.spec.sources(),
            build.compression == null ? null : build.compression.label(),
            compressionByName,
            build.unpacked),
        new ImagePlan.Work(
            whole ? build.temp : null,
            whole ? List.copyOf(commands) : List.of(),
            materialize,
            build.target()),
        new ImagePlan.Owner(owner, ownerExists),
        action == ImagePlan.Action.UP_TO_DATE ? build.outputInfo : null,
        action == ImagePlan.Action.UP_TO_DATE ? ImageBuilder.fileSize(build.output) : null,
        error,
        Duration.ofNanos(System.nanoTime() - start));
  }
}
