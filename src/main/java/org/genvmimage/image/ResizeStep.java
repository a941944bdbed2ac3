package org.genvmimage.image;

import org.genvmimage.console.Units;
import org.genvmimage.step.Step;

/**
 * Grows the new image to the requested size (never shrinks: {@link InspectStep} refused that), in
 * its {@link ImageBuild#workFormat} (qemu-img resizes qcow2 and raw, not vmdk, vhdx or vpc).
 *
 * <p>Uses {@code temp}, {@code sourceInfo}. A plan notes the command, which runs only if the base
 * image is smaller (or when its size is not known yet).
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
  public void plan(ImageBuild build) {
    if (build.spec.blank()) {
      return; // created at its size
    }
    if (build.sourceInfo == null || grows(build)) {
      build.plan.commands.add(
          tools
              .qemuImg()
              .commands()
              .resize(build.temp, build.workFormat(), build.spec.size().bytes()));
    }
  }

  @Override
  public void run(ImageBuild build) {
    long size = build.spec.size().bytes();
    if (!build.spec.blank() && grows(build)) {
      tools.console().info(build.spec.key() + ": resizing to " + Units.bytes(size));
      tools.qemuImg().resize(build.temp, build.workFormat(), size);
    }
  }

  private static boolean grows(ImageBuild build) {
    return build.spec.size().bytes() > build.sourceInfo.virtualSize();
  }
}
