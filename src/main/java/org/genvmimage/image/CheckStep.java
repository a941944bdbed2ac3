package org.genvmimage.image;

import org.genvmimage.console.Units;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.qemu.CheckResult;
import org.genvmimage.step.Step;

/**
 * Checks the new image with {@code qemu-img check} and confirms its format (the output format) and
 * virtual size. Raw and vpc images have no check (qemu-img exit 63): that is not a failure. An
 * encrypted image is opened with the secret it was created with.
 *
 * <p>Uses {@code temp}; produces {@code outputInfo}. A plan notes the two commands.
 */
final class CheckStep implements Step<ImageBuild> {
  private final BuildTools tools;

  CheckStep(BuildTools tools) {
    this.tools = tools;
  }

  @Override
  public String name() {
    return "check";
  }

  @Override
  public void plan(ImageBuild build) {
    build.plan.commands.add(
        tools
            .qemuImg()
            .commands()
            .check(build.temp, build.spec.outputFormat(), BlankDisk.extras(build, tools)));
    build.plan.commands.add(build.outputInfoCommand(tools.qemuImg(), build.temp));
  }

  @Override
  public void run(ImageBuild build) {
    CheckResult check =
        tools
            .qemuImg()
            .check(build.temp, build.spec.outputFormat(), BlankDisk.extras(build, tools));
    switch (check.status()) {
      case CLEAN, NOT_SUPPORTED -> {}
      case LEAKED ->
          tools
              .console()
              .warn(
                  build.spec.key()
                      + ": qemu-img check found "
                      + check.leakedClusters()
                      + " leaked clusters (harmless: space only)");
      default ->
          throw new GenVmException(
              ExitCode.TOOL_FAILED,
              build.spec.key() + ": the new image failed qemu-img check: " + check.detail());
    }
    build.outputInfo = build.outputInfo(tools.qemuImg(), build.temp);
    long size = build.spec.size().bytes();
    if (!build.spec.outputFormat().equals(build.outputInfo.format())
        || build.outputInfo.virtualSize() != size) {
      throw new GenVmException(
          ExitCode.TOOL_FAILED,
          String.format(
              "%s: the new image is %s of %s, expected %s of %s",
              build.spec.key(),
              build.outputInfo.format(),
              Units.bytes(build.outputInfo.virtualSize()),
              build.spec.outputFormat(),
              Units.bytes(size)));
    }
  }
}
