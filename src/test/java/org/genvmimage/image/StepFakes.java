package org.genvmimage.image;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import org.genvmimage.architecture.DiskSize;
import org.genvmimage.architecture.ImageSpec;
import org.genvmimage.console.Console;
import org.genvmimage.download.DownloadSettings;
import org.genvmimage.download.Downloader;
import org.genvmimage.download.SumsFileMemo;
import org.genvmimage.qemu.RecordingQemuImg;

/** Tools and builds for unit tests of one image step, with a recording qemu-img. */
final class StepFakes {
  private StepFakes() {}

  /** The console's output, for assertions. */
  static final class Tools {
    final StringWriter log = new StringWriter();
    final RecordingQemuImg qemuImg = new RecordingQemuImg();
    final BuildTools tools;

    Tools(Path cache) {
      Console console =
          new Console("gen-vm-image", new PrintWriter(log, true), Console.Verbosity.VERBOSE, false);
      tools =
          new BuildTools(
              new Downloader(
                  new org.genvmimage.download.DownloadCache(cache), DownloadSettings.defaults()),
              qemuImg,
              console,
              ImageOwner.distributionDefault(user -> false),
              false);
    }
  }

  /** An image of 16 MiB in {@code format} from {@code source}, written to {@code output}. */
  static ImageBuild build(URI source, String format, Path output) {
    ImageSpec spec =
        new ImageSpec(
            "img",
            "img",
            "1",
            source == null ? List.of() : List.of(source),
            null,
            DiskSize.parse("16M"),
            null,
            null,
            format);
    ImageBuild build = new ImageBuild(spec, output.resolveSibling("architecture.yml"), output);
    build.temp = output.resolveSibling("." + output.getFileName() + ".1234.tmp");
    return build;
  }

  /** The same build, for a dry run. */
  static ImageBuild planned(ImageBuild build) {
    build.plan = new PlanDraft(new SumsFileMemo());
    return build;
  }
}
