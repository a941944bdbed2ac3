package org.genvmimage.image;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.genvmimage.core.Folders;

/**
 * The output folders that one run of {@link ImageBuilder} created. The images of a run share their
 * folder, so a failed image leaves it for the others; when the whole run is over, the folders it
 * created that are still empty (no image was published there) are removed, so that a failed run
 * leaves the file system as it found it.
 */
final class OutputFolders {
  private final List<Path> created = new ArrayList<>();

  /** Creates {@code dir} and its missing parents, remembering those this call created. */
  synchronized void create(Path dir) throws IOException {
    created.addAll(Folders.create(dir));
  }

  /** Removes the created folders that are empty, innermost first; best effort. */
  synchronized void removeEmpty() {
    Folders.removeIfEmpty(created);
    created.clear();
  }
}
