package org.genvmimage.image;

import java.nio.file.Path;
import org.genvmimage.console.Units;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.qemu.DiskImageSniffer;
import org.genvmimage.step.Step;

/**
 * Finds the base image's format from its content ({@code qemu-img info}, never the file name),
 * rejects payloads that are not disk images, and refuses a requested size below the image's virtual
 * size (qemu-img would shrink it and cut its file systems). A base image of another format than
 * {@code input.format} names is refused. A blank disk has nothing to inspect.
 *
 * <p>Uses {@code fetched} (or {@code unpacked}, a decompressed base image); produces {@code
 * sourceInfo}. A plan runs the same {@code qemu-img info} and checks when the base image is on disk
 * and not compressed, and notes the command in any case.
 */
final class InspectStep implements Step<ImageBuild> {
  private final BuildTools tools;

  InspectStep(BuildTools tools) {
    this.tools = tools;
  }

  @Override
  public String name() {
    return "inspect";
  }

  @Override
  public void plan(ImageBuild build) {
    if (build.spec.blank()) {
      return;
    }
    Path image = build.unpacked != null ? build.unpacked : build.plan.sourcePath;
    build.plan.commands.add(tools.qemuImg().commands().info(image));
    // a compressed base image is only readable once decompressed, which a plan does not do
    if (build.fetched != null && build.compression == null) {
      run(build);
    }
  }

  @Override
  public void run(ImageBuild build) {
    if (build.spec.blank()) {
      return;
    }
    build.sourceInfo = tools.qemuImg().info(build.baseImage());
    String name =
        build.compression == null
            ? build.fetched.file().toString()
            : build.fetched.file() + " (decompressed, " + build.compression.label() + ")";
    DiskImageSniffer.requireDiskImage(build.baseImage(), name, build.sourceInfo);
    String expected = build.spec.inputFormat();
    if (expected != null && !expected.equals(build.sourceInfo.format())) {
      throw new GenVmException(
          ExitCode.TOOL_FAILED,
          String.format(
              "%s: is %s, not %s as %s in %s says",
              name,
              build.sourceInfo.format(),
              expected,
              build.field("input.format"),
              build.architectureFile));
    }
    long wanted = build.spec.size().bytes();
    long virtual = build.sourceInfo.virtualSize();
    if (wanted < virtual) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT,
          String.format(
              "%s: %s: %s (%d bytes) is smaller than the base image's virtual size %s (%d"
                  + " bytes); images are never shrunk: set size to at least %s",
              build.architectureFile,
              build.field("size"),
              build.spec.size(),
              wanted,
              Units.bytes(virtual),
              virtual,
              Units.bytes(virtual)));
    }
    tools
        .console()
        .debug(
            build.spec.key()
                + ": base image is "
                + build.sourceInfo.format()
                + ", virtual size "
                + Units.bytes(virtual));
  }
}
