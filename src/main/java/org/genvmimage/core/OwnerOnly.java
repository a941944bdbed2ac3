package org.genvmimage.core;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermissions;

/**
 * Files and folders created readable by their owner only (0600 and 0700), with the permissions
 * given at creation, so that no other user can open them even for a moment: for what can hold user
 * data or the guest's console output (passwords, keys).
 */
public final class OwnerOnly {
  private OwnerOnly() {}

  /** Creates an empty file, mode 0600. */
  public static Path createFile(Path file) throws IOException {
    return posix(file.getFileSystem())
        ? Files.createFile(file, attribute("rw-------"))
        : Files.createFile(file);
  }

  /** Creates a folder, mode 0700 (its parent must exist). */
  public static Path createDirectory(Path dir) throws IOException {
    return posix(dir.getFileSystem())
        ? Files.createDirectory(dir, attribute("rwx------"))
        : Files.createDirectory(dir);
  }

  private static boolean posix(FileSystem fs) {
    return fs.supportedFileAttributeViews().contains("posix");
  }

  private static FileAttribute<?> attribute(String permissions) {
    return PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(permissions));
  }
}
