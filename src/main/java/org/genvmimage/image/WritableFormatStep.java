package org.genvmimage.image;

import java.util.Optional;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.qemu.TargetFormat;
import org.genvmimage.step.Step;

/**
 * Before anything is downloaded: makes sure that the qemu-img installed can write the output as
 * asked ({@link org.genvmimage.qemu.QemuImg#cannotWrite}). zstd-compressed qcow2 clusters need QEMU
 * 5.1 or later, built with zstd; a build without it would otherwise fail only after the download
 * and the conversion.
 *
 * <p>Uses the spec. A plan makes the same check, and fails as the run would (exit 7).
 */
final class WritableFormatStep implements Step<ImageBuild> {
  private final BuildTools tools;

  WritableFormatStep(BuildTools tools) {
    this.tools = tools;
  }

  @Override
  public String name() {
    return "writable format";
  }

  @Override
  public void plan(ImageBuild build) {
    run(build);
  }

  @Override
  public void run(ImageBuild build) {
    TargetFormat target = build.target();
    Optional<String> why = tools.qemuImg().cannotWrite(target);
    if (why.isPresent()) {
      throw new GenVmException(
          ExitCode.TOOL_MISSING,
          why.get()
              + "; "
              + build.field("compression")
              + ": "
              + target.compression()
              + " needs a qemu-img built with it (QEMU 5.1 or later): install one, or choose"
              + " compression: "
              + TargetFormat.ZLIB);
    }
  }
}
