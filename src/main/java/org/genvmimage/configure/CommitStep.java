package org.genvmimage.configure;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.Locale;
import org.genvmimage.core.AtomicPublish;
import org.genvmimage.core.FileTrees;

/**
 * Writes overlay and image together as one new image of the image's own format (qcow2, raw, …)
 * beside the image, with the image's mode and owner, and renames it over the image: the image
 * changes in one atomic step. When the image's folder has a {@code SHA256SUMS} (gen-vm-image's
 * manifest) that lists the image, its line is made to say what the image now holds. Then removes
 * the work folder and releases the lock.
 *
 * <p>Uses {@code overlay}, {@code workDir}, {@code lock}, {@code progress}; produces {@code
 * flattened} (renamed over the image) and {@code commit}.
 */
final class CommitStep implements ConfigureStep {
  private final ConfigureSettings settings;
  private final ConfigureTools tools;

  CommitStep(ConfigureSettings settings, ConfigureTools tools) {
    this.settings = settings;
    this.tools = tools;
  }

  @Override
  public String name() {
    return "commit";
  }

  @Override
  public void run(ConfigureRun run) throws IOException {
    long start = System.nanoTime();
    Path image = settings.image();
    String format = run.imageInfo == null ? "qcow2" : run.imageInfo.format();
    run.flattened = run.workDir.resolve("configured." + format);
    run.progress.step("committing");
    tools
        .qemuImg()
        .convert(
            run.overlay,
            "qcow2",
            run.flattened,
            format,
            p -> run.progress.detail(String.format(Locale.ROOT, "%3.0f%%", p)));
    PosixFileAttributes attributes = Files.readAttributes(image, PosixFileAttributes.class);
    AtomicPublish.publish(
        run.flattened,
        image,
        attributes.permissions(),
        file -> {
          try {
            Files.setOwner(file, attributes.owner());
            Files.getFileAttributeView(file, PosixFileAttributeView.class)
                .setGroup(attributes.group());
          } catch (IOException e) {
            tools.console().warn("cannot keep the image's owner: " + e.getMessage());
          }
        },
        target -> {});
    ConfiguredManifest.refresh(image, tools.console());
    run.commit = Duration.ofNanos(System.nanoTime() - start);
    run.progress.step(null);
    FileTrees.deleteQuietly(run.workDir);
    if (run.lock != null) {
      run.lock.close();
    }
  }
}
