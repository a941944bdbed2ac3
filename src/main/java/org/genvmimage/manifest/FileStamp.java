package org.genvmimage.manifest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/**
 * What tells a file that has not changed since it was hashed without reading it: its size, its
 * modification time (to the nanosecond where the file system keeps it) and its file key (device and
 * inode on Linux). Replacing a file by a rename gives it another inode; writing to it changes its
 * modification time. Only a change that also puts the modification time back (as {@code touch -d}
 * can) goes unseen: {@code gen-vm-image verify} reads the bytes again.
 *
 * @param size the size in bytes
 * @param modified the modification time, as {@link java.nio.file.attribute.FileTime#toString()}
 * @param fileKey the file key's text, or null when the file system has none
 */
public record FileStamp(long size, String modified, String fileKey) {
  /** The stamp of a regular file (links not followed); null when there is none at that path. */
  public static FileStamp of(Path file) throws IOException {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(file, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException e) {
      return null;
    }
    if (!a.isRegularFile()) {
      return null;
    }
    return new FileStamp(
        a.size(), a.lastModifiedTime().toString(), Objects.toString(a.fileKey(), null));
  }
}
