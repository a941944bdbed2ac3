package org.genvmimage.core;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * The folders of paths that users give: the folder a path lies in (also for a bare file name, which
 * has no parent as written), and creating folders so that a failed run can remove exactly those it
 * made.
 */
public final class Folders {
  private Folders() {}

  /**
   * The folder that {@code path} lies in, as an absolute path: the current folder for a bare file
   * name ({@code image.qcow2}), the root for the root. Never null.
   */
  public static Path of(Path path) {
    Path absolute = path.toAbsolutePath();
    Path parent = absolute.getParent();
    return parent != null ? parent : absolute;
  }

  /**
   * Creates {@code dir} and its missing parents, like {@link Files#createDirectories}, and returns
   * the folders this call created, outermost first (empty when {@code dir} was there). A folder
   * that another process creates meanwhile is not counted as created here.
   */
  public static List<Path> create(Path dir) throws IOException {
    Path absolute = dir.toAbsolutePath();
    Deque<Path> missing = new ArrayDeque<>();
    for (Path p = absolute; p != null && !Files.isDirectory(p); p = p.getParent()) {
      missing.push(p);
    }
    List<Path> created = new ArrayList<>();
    try {
      for (Path p : missing) {
        try {
          Files.createDirectory(p);
          created.add(p);
        } catch (FileAlreadyExistsException e) {
          if (!Files.isDirectory(p)) {
            throw e;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      removeIfEmpty(created);
      throw e;
    }
    return created;
  }

  /**
   * Removes the folders that {@link #create} made (one or more lists of them, concatenated),
   * innermost first, each only while it is empty: a folder that holds anything (someone else's
   * file) stays, and so do its parents. Best effort: a folder that cannot be removed stays.
   *
   * @return the folders removed
   */
  public static List<Path> removeIfEmpty(List<Path> created) {
    List<Path> removed = new ArrayList<>();
    for (int i = created.size() - 1; i >= 0; i--) {
      Path dir = created.get(i);
      try {
        Files.delete(dir);
        removed.add(dir);
      } catch (NoSuchFileException gone) {
        // removed by someone else; its parent may still be ours and empty
      } catch (IOException | RuntimeException notEmptyOrNotOurs) {
        // kept, and with it its parents
      }
    }
    return removed;
  }
}
