package org.genvmimage.image;

import org.genvmimage.console.Units;
import org.genvmimage.step.Step;

/**
 * Grows the new image to the requested size (never shrinks: {@link InspectStep} refused that).
 *
 * <p>Uses {@code temp}, {@code sourceInfo}.
 */
final class ResizeStep implements Step<ImageBuild> {
  private final BuildTools tools;

  ResizeStep(BuildTools tools) {
    this.tools = tools;
  }

  @Override
  public String name() {
    return "resize";
  }

  @Override
  public void run(ImageBuild build) {
    long size = build.spec.size().bytes();
    if (size > build.sourceInfo.virtualSize()) {
      tools.console().info(build.spec.key() + ": resizing to " + Units.bytes(size));
      tools.qemuImg().resize(build.temp, "qcow2", size);
    }
  }
}
