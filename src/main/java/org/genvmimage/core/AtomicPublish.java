package org.genvmimage.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Publishes a finished file written beside its target: gives it its mode and owner, makes it
 * durable and renames it over the target in one atomic step, so that the target is either the old
 * file or the new one, whole.
 */
public final class AtomicPublish {
  /** An action on the file, before or after a step of the publish. */
  @FunctionalInterface
  public interface Action {
    void apply(Path file) throws IOException;
  }

  private AtomicPublish() {}

  /**
   * Publishes {@code temp} as {@code target}.
   *
   * @param owner gives the file its owner (may fail the publish, or only warn)
   * @param beforeRename runs with the target after the new file is durable, just before the rename
   */
  public static void publish(
      Path temp, Path target, Set<PosixFilePermission> mode, Action owner, Action beforeRename)
      throws IOException {
    Files.setPosixFilePermissions(temp, mode);
    owner.apply(temp);
    FileSync.force(temp);
    beforeRename.apply(target);
    FileSync.moveAtomically(temp, target);
  }
}
