package org.genvmimage.image;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Locale;
import org.genvmimage.step.Step;

/**
 * Converts the finished, resized image to a vmdk, vhdx or vpc output format, which qemu-img can
 * write but not resize, or to a qcow2 with compressed clusters: the image built in {@code temp}
 * ({@link ImageBuild#workFormat}) is converted ({@code qemu-img convert}, with {@code -c} for
 * compressed clusters) into a second temporary file beside it, which then replaces {@code temp} by
 * a rename. Nothing writes to the image after this conversion, so every cluster it compressed stays
 * compressed. An uncompressed qcow2 or a raw output is already in its format and has nothing to do.
 *
 * <p>Uses and replaces {@code temp}. Cleanup deletes the second file. A plan notes the command.
 */
final class FormatStep implements Step<ImageBuild> {
  private final BuildTools tools;

  FormatStep(BuildTools tools) {
    this.tools = tools;
  }

  @Override
  public String name() {
    return "format";
  }

  private static boolean needed(ImageBuild build) {
    return !build.spec.outputFormat().equals(build.workFormat()) || build.target().compressed();
  }

  private static Path formatted(ImageBuild build) {
    return build.temp.resolveSibling(
        build.temp.getFileName() + "." + build.spec.outputFormat() + ".tmp");
  }

  @Override
  public void plan(ImageBuild build) {
    if (needed(build)) {
      build.plan.commands.add(
          tools
              .qemuImg()
              .commands()
              .convert(build.temp, build.workFormat(), formatted(build), build.target()));
    }
  }

  @Override
  public void run(ImageBuild build) throws IOException {
    if (!needed(build)) {
      return;
    }
    String task = build.spec.key();
    Path target = formatted(build);
    tools.console().info(task + ": converting to " + build.target());
    try {
      tools
          .qemuImg()
          .convert(
              build.temp,
              build.workFormat(),
              target,
              build.target(),
              percent ->
                  tools
                      .console()
                      .progress(task, String.format(Locale.ROOT, "converting %3.0f%%", percent)));
    } finally {
      tools.console().done(task);
    }
    Files.move(
        target, build.temp, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  @Override
  public void cleanup(ImageBuild build) {
    if (build.temp == null || !needed(build)) {
      return;
    }
    try {
      Files.deleteIfExists(formatted(build));
    } catch (IOException e) {
      tools.console().warn("could not remove " + formatted(build) + ": " + e.getMessage());
    }
  }
}
