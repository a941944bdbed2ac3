package org.genvmimage.image;

import java.nio.file.Path;
import java.util.Map;
import org.genvmimage.console.Console;
import org.genvmimage.download.Downloader;
import org.genvmimage.qemu.QemuImg;

/**
 * The collaborators and settings shared by every image build of one run.
 *
 * @param owner who published images are given to
 * @param overwrite whether an existing output that differs may be replaced
 * @param secrets the files that hold the secrets named by images' create options, by id ({@code
 *     --secret ID=FILE})
 */
public record BuildTools(
    Downloader downloader,
    QemuImg qemuImg,
    Console console,
    ImageOwner owner,
    boolean overwrite,
    Map<String, Path> secrets) {
  public BuildTools {
    secrets = Map.copyOf(secrets);
  }

  /** Tools for images that name no secrets. */
  public BuildTools(
      Downloader downloader,
      QemuImg qemuImg,
      Console console,
      ImageOwner owner,
      boolean overwrite) {
    this(downloader, qemuImg, console, owner, overwrite, Map.of());
  }
}
