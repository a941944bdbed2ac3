package org.genvmimage.image;

import java.io.IOException;
import java.util.Locale;
import org.genvmimage.console.Units;
import org.genvmimage.manifest.FileHash;
import org.genvmimage.manifest.FileStamp;
import org.genvmimage.manifest.ManifestEntry;
import org.genvmimage.step.Step;

/**
 * Reads the finished image once for its SHA-256, the line its output folder's {@code SHA256SUMS}
 * gets, with the file's {@link FileStamp}; the publish renames the same file into place, so the
 * stamp is the output's too.
 *
 * <p>Uses {@code temp}; produces {@code manifestEntry}. Plans nothing: it reads only what the build
 * made.
 */
final class HashStep implements Step<ImageBuild> {
  private final BuildTools tools;

  HashStep(BuildTools tools) {
    this.tools = tools;
  }

  @Override
  public String name() {
    return "hash";
  }

  @Override
  public void run(ImageBuild build) throws IOException {
    build.manifestEntry = hash(tools, build.spec.key(), build.temp, "hashing");
  }

  /** The entry of a file, read once, with progress under {@code task}. */
  static ManifestEntry hash(BuildTools tools, String task, java.nio.file.Path file, String what)
      throws IOException {
    FileStamp stamp = FileStamp.of(file);
    long total = stamp == null ? 0 : stamp.size();
    tools.console().debug(task + ": " + what + " " + file + " (" + Units.bytes(total) + ")");
    try {
      String sha256 =
          FileHash.sha256(
              file,
              read ->
                  tools
                      .console()
                      .progress(
                          task,
                          String.format(
                              Locale.ROOT,
                              "%s %3.0f%%",
                              what,
                              total == 0 ? 100.0 : 100.0 * read / total)));
      return new ManifestEntry(sha256, stamp);
    } finally {
      tools.console().done(task);
    }
  }
}
