package org.genvmimage.configure;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import org.genvmimage.console.Console;
import org.genvmimage.core.Folders;
import org.genvmimage.manifest.FileHash;
import org.genvmimage.manifest.FileStamp;
import org.genvmimage.manifest.ManifestEntry;
import org.genvmimage.manifest.ManifestFolder;
import org.genvmimage.manifest.Sha256Sums;

/**
 * Keeps gen-vm-image's manifest true after a configure: an image that its folder's {@code
 * SHA256SUMS} lists gets its line anew (its bytes read once), so that {@code sha256sum -c} and
 * {@code gen-vm-image verify} pass on the configured image. A folder without a manifest, or a
 * manifest without the image, is left alone.
 */
final class ConfiguredManifest {
  private ConfiguredManifest() {}

  /**
   * Lists {@code image} anew in its folder's manifest, if that lists it; a failure is a warning.
   */
  static void refresh(Path image, Console console) {
    String name = image.getFileName().toString();
    ManifestFolder folder = new ManifestFolder(Folders.of(image));
    try {
      if (Sha256Sums.read(folder.manifest()).get(name).isEmpty()) {
        return;
      }
      FileStamp stamp = FileStamp.of(image);
      String sha256 = FileHash.sha256(image, null);
      folder.update(Map.of(name, new ManifestEntry(sha256, stamp)));
      console.info("listed the configured image anew in " + folder.manifest());
    } catch (IOException e) {
      console.warn(
          "cannot list the configured image in " + folder.manifest() + ": " + e.getMessage());
    }
  }
}
