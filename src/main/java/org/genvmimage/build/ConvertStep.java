package org.genvmimage.build;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Writes the base image as qcow2 (compat 1.1) into a temporary file beside the output, so the
 * output path itself is only ever replaced by a rename.
 *
 * <p>Uses {@code fetched}, {@code sourceInfo}; produces {@code temp}. Cleanup deletes it. Lets go
 * of {@code fetchLease} once the base image has been read.
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
  public void run(ImageBuild build) throws IOException {
    Path dir = build.output.toAbsolutePath().getParent();
    build.temp = Files.createTempFile(dir, "." + build.output.getFileName() + ".", ".tmp");
    String task = build.spec.key();
    tools.console().info(task + ": converting " + build.sourceInfo.format() + " to qcow2");
    try {
      tools
          .qemuImg()
          .convert(
              build.fetched.file(),
              build.sourceInfo.format(),
              build.temp,
              percent ->
                  tools
                      .console()
                      .progress(task, String.format(Locale.ROOT, "converting %3.0f%%", percent)));
    } finally {
      build.releaseSource();
      tools.console().done(task);
    }
  }

  @Override
  public void cleanup(ImageBuild build) {
    if (build.temp != null) {
      try {
        Files.deleteIfExists(build.temp);
      } catch (IOException e) {
        tools.console().warn("could not remove " + build.temp + ": " + e.getMessage());
      }
    }
  }
}
