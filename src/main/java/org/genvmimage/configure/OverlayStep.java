package org.genvmimage.configure;

import java.io.IOException;
import java.nio.file.Path;
import org.genvmimage.core.FileTrees;
import org.genvmimage.core.OwnerOnly;

/**
 * Creates the qcow2 overlay the guest writes to, in a work folder beside the image; the image
 * itself is only read. Cleanup removes the work folder.
 *
 * <p>Uses {@code imageInfo}; produces {@code workDir}, {@code overlay}.
 */
final class OverlayStep implements ConfigureStep {
  private final ConfigureSettings settings;
  private final ConfigureTools tools;

  OverlayStep(ConfigureSettings settings, ConfigureTools tools) {
    this.settings = settings;
    this.tools = tools;
  }

  @Override
  public String name() {
    return "overlay";
  }

  @Override
  public void run(ConfigureRun run) throws IOException {
    plan(run);
    FileTrees.deleteQuietly(run.workDir); // left by a run that was killed; the lock is ours
    OwnerOnly.createDirectory(run.workDir); // 0700: the overlay holds the guest's user data
    tools.qemuImg().createOverlay(run.overlay, settings.image(), run.imageInfo.format());
  }

  /** The work folder and overlay paths, as a run uses them. */
  @Override
  public void plan(ConfigureRun run) {
    Path image = settings.image().toAbsolutePath();
    run.workDir = image.resolveSibling("." + image.getFileName() + ".configure");
    run.overlay = run.workDir.resolve("overlay.qcow2");
  }

  @Override
  public void cleanup(ConfigureRun run) {
    FileTrees.deleteQuietly(run.workDir);
  }
}
