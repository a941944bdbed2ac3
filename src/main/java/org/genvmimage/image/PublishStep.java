package org.genvmimage.image;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.genvmimage.core.AtomicPublish;
import org.genvmimage.core.Folders;
import org.genvmimage.step.Step;

/**
 * Makes the new image durable, gives it to the configured owner, renames it over the output in one
 * atomic step and records what it was built from.
 *
 * <p>Uses {@code temp}, {@code checksum}; produces {@code outcome}. A plan notes the owner and
 * whether that user exists.
 */
final class PublishStep implements Step<ImageBuild> {
  private final BuildTools tools;

  PublishStep(BuildTools tools) {
    this.tools = tools;
  }

  @Override
  public String name() {
    return "publish";
  }

  @Override
  public void plan(ImageBuild build) {
    build.plan.owner = tools.owner().user();
    build.plan.ownerExists = build.plan.owner == null ? null : userExists(build.plan.owner);
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

  @Override
  public void run(ImageBuild build) throws IOException {
    Path[] previous = new Path[1];
    try {
      AtomicPublish.publish(
          build.temp,
          build.output,
          PosixFilePermissions.fromString("rw-r--r--"),
          file -> tools.owner().apply(file, build.spec.key(), tools.console()),
          output -> {
            previous[0] = keepPrevious(output);
            // The old stamp goes first: a crash between the two renames leaves an image without a
            // stamp (rebuilt next time), never an old stamp that vouches for a new image.
            BuildStamp.delete(output);
          });
      BuildStamp.of(build, Instant.now().truncatedTo(ChronoUnit.SECONDS).toString())
          .write(build.output);
    } finally {
      if (previous[0] != null) {
        Files.deleteIfExists(previous[0]);
      }
    }
    build.outcome = ImageBuild.Outcome.BUILT;
  }

  /**
   * Gives the image about to be replaced a second name until the new one is published. Freeing a
   * large file's blocks (and discarding them, on file systems mounted with {@code discard}) is done
   * by the journal commit that the durable rename waits for; with the second name the old image's
   * blocks are only freed after the last commit this build waits for. Leftovers of a crash in
   * between are removed by the next build of the same output. Returns null when there is nothing to
   * keep or the file system has no hard links.
   */
  private static Path keepPrevious(Path output) {
    Path dir = Folders.of(output);
    String prefix = "." + output.getFileName() + ".";
    try (java.nio.file.DirectoryStream<Path> stale =
        Files.newDirectoryStream(dir, prefix + "*.previous")) {
      for (Path p : stale) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // best effort
    }
    if (!Files.isRegularFile(output, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
      return null;
    }
    Path link = dir.resolve(prefix + Long.toUnsignedString(System.nanoTime(), 36) + ".previous");
    try {
      Files.createLink(link, output);
      return link;
    } catch (IOException | UnsupportedOperationException e) {
      return null;
    }
  }
}
