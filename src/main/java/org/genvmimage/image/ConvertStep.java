package org.genvmimage.image;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.genvmimage.core.DirectWriter;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.qemu.ImageInfo;
import org.genvmimage.qemu.QemuImgCommands;
import org.genvmimage.step.Step;

/**
 * Writes the base image as qcow2 (compat 1.1) into a temporary file beside the output, so the
 * output path itself is only ever replaced by a rename; for a raw output it is written as raw
 * (sparse) instead ({@link ImageBuild#workFormat}).
 *
 * <p>A base image that already is a self-contained qcow2 v3 file ({@link
 * ImageInfo#selfContainedQcow2v3()}) is copied as it is, bypassing the page cache where the file
 * system allows ({@link DirectWriter}): {@code qemu-img convert} would only rewrite the same
 * clusters, at several times the cost. Anything else goes through {@code qemu-img convert}.
 *
 * <p>A download written to {@code temp} as it arrived needs no copy at all, and neither does a
 * decompressed qcow2 image ({@code unpacked}, renamed to {@code temp}); a decompressed image that
 * is converted is deleted once read. A blank disk is made by {@code qemu-img create}, with its
 * create options ({@code extra_kwargs}: a backing file, which must exist, options and secrets).
 *
 * <p>Uses {@code fetched} (or {@code unpacked}), {@code sourceInfo}, {@code temp} (made, and
 * deleted on failure, by {@link FetchStep}), {@code downloadCopy}; fills {@code temp}. Lets go of
 * {@code fetchLease} once the base image has been read. A plan notes how the base image would
 * become {@code temp} and the {@code qemu-img convert} command, with {@value
 * PlanDraft#UNKNOWN_FORMAT} for a format that only a download can tell.
 */
final class ConvertStep implements Step<ImageBuild> {
  private final BuildTools tools;

  ConvertStep(BuildTools tools) {
    this.tools = tools;
  }

  @Override
  public String name() {
    return "convert";
  }

  @Override
  public void plan(ImageBuild build) {
    PlanDraft plan = build.plan;
    Path source = build.unpacked != null ? build.unpacked : plan.sourcePath;
    if (build.spec.blank()) {
      plan.materialize = "create";
      BlankDisk.requireBacking(build);
      plan.commands.add(
          tools
              .qemuImg()
              .commands()
              .create(
                  build.temp,
                  build.workFormat(),
                  build.spec.size().bytes(),
                  BlankDisk.extras(build, tools)));
    } else if (build.sourceInfo == null) {
      plan.materialize = "unknown";
      List<String> command =
          new ArrayList<>(
              tools.qemuImg().commands().convert(source, "raw", build.temp, build.workFormat()));
      command.set(command.indexOf("-f") + 1, PlanDraft.UNKNOWN_FORMAT);
      plan.commands.add(List.copyOf(command));
    } else if (copies(build)) {
      plan.materialize = "copy";
    } else {
      plan.materialize = "convert";
      plan.commands.add(
          tools
              .qemuImg()
              .commands()
              .convert(source, build.sourceInfo.format(), build.temp, build.workFormat()));
    }
  }

  /** Whether the base image is copied as it is rather than converted. */
  private static boolean copies(ImageBuild build) {
    return QemuImgCommands.QCOW2.equals(build.workFormat())
        && build.sourceInfo.selfContainedQcow2v3();
  }

  @Override
  public void run(ImageBuild build) throws IOException {
    try {
      convert(build);
    } finally {
      build.releaseSource();
    }
  }

  private void convert(ImageBuild build) throws IOException {
    String task = build.spec.key();
    if (build.spec.blank()) {
      tools
          .console()
          .info(
              task
                  + ": creating a blank "
                  + build.spec.size()
                  + " "
                  + build.workFormat()
                  + " disk");
      BlankDisk.requireBacking(build);
      tools
          .qemuImg()
          .create(
              build.temp,
              build.workFormat(),
              build.spec.size().bytes(),
              BlankDisk.extras(build, tools));
      return;
    }
    if (copies(build)) {
      if (build.unpacked != null) {
        // decompressed beside the output: the file becomes the temporary file, by a rename
        Files.move(
            build.unpacked,
            build.temp,
            StandardCopyOption.REPLACE_EXISTING,
            StandardCopyOption.ATOMIC_MOVE);
        tools
            .console()
            .debug(task + ": the decompressed qcow2 (compat 1.1) image is used as it is");
        return;
      }
      if (build.downloadCopy != null && build.downloadCopy.complete()) {
        tools.console().debug(task + ": the qcow2 (compat 1.1) image was copied while downloading");
        return;
      }
      tools.console().info(task + ": copying the qcow2 (compat 1.1) image");
      try {
        copy(build.fetched.file(), build.temp, task);
      } finally {
        tools.console().done(task);
      }
      return;
    }
    tools
        .console()
        .info(task + ": converting " + build.sourceInfo.format() + " to " + build.workFormat());
    try {
      tools
          .qemuImg()
          .convert(
              build.baseImage(),
              build.sourceInfo.format(),
              build.temp,
              build.workFormat(),
              percent ->
                  tools
                      .console()
                      .progress(task, String.format(Locale.ROOT, "converting %3.0f%%", percent)));
    } finally {
      tools.console().done(task);
    }
    if (build.unpacked != null) {
      // the decompressed base image has been read: its room is given back before the resize
      Files.deleteIfExists(build.unpacked);
    }
  }

  private void copy(Path source, Path target, String task) throws IOException {
    try (FileChannel in = DirectWriter.openForReading(source);
        DirectWriter out = DirectWriter.create(target)) {
      long total = Math.max(1, in.size());
      long[] lastReport = {System.nanoTime()};
      out.transferFrom(
          in,
          () -> {
            long now = System.nanoTime();
            if (now - lastReport[0] > 200_000_000L) {
              lastReport[0] = now;
              tools
                  .console()
                  .progress(
                      task,
                      String.format(Locale.ROOT, "copying %3.0f%%", 100.0 * out.size() / total));
            }
          });
      out.finish();
    } catch (ClosedByInterruptException | InterruptedIOException e) {
      throw new GenVmException(ExitCode.INTERRUPTED, "interrupted", e);
    }
  }
}
