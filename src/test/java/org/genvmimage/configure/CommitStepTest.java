package org.genvmimage.configure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.genvmimage.process.ProcessRunner;
import org.genvmimage.qemu.QemuImg;
import org.genvmimage.qemu.RealQemuImg;
import org.genvmimage.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommitStepTest {
  @TempDir Path dir;

  @Test
  void flattensTheOverlayAndRenamesItOverTheImageWithTheImagesMode() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = fakes.withFiles(true);
    Files.setPosixFilePermissions(settings.image(), PosixFilePermissions.fromString("rw-r-----"));
    ConfigureRun run = fakes.run(settings);
    run.lock = ImageLock.take(settings.image());
    new OverlayStep(settings, fakes.tools).plan(run);
    Files.createDirectories(run.workDir);
    Files.writeString(run.overlay, "configured");

    new CommitStep(settings, fakes.tools).run(run);

    assertThat(fakes.qemuImg.calls())
        .containsExactly(
            "convert " + run.overlay + " qcow2 " + run.workDir.resolve("configured.qcow2"));
    assertThat(settings.image().resolveSibling("SHA256SUMS")).doesNotExist();
    assertThat(settings.image()).hasContent("configured");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(settings.image())))
        .isEqualTo("rw-r-----");
    assertThat(run.workDir).doesNotExist();
    assertThat(ImageLock.file(settings.image())).as("lock released").doesNotExist();
    assertThat(run.commit).isNotNull();
  }

  @Test
  void aRawImageStaysRawAndItsManifestLineSaysWhatItNowHolds() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings base = fakes.withFiles(true);
    Path image = base.image().resolveSibling("image.raw");
    Files.delete(base.image());
    byte[] before = new byte[1 << 20];
    Files.write(image, before);
    Path folder = image.getParent();
    Files.writeString(folder.resolve("other.qcow2"), "another image");
    Files.writeString(
        folder.resolve("SHA256SUMS"),
        sha256(before) + "  image.raw\n" + sha256("another image".getBytes()) + "  other.qcow2\n");
    ConfigureSettings settings =
        new ConfigureSettings(
            image, base.seed(), base.vm(), base.reset(), base.finishedPattern(), base.timeout());
    QemuImg real = new RealQemuImg(new ProcessRunner());
    ConfigureTools tools =
        new ConfigureTools(
            real,
            fakes.tools.emulators(),
            fakes.tools.accelerators(),
            fakes.tools.firmwares(),
            fakes.tools.launcher(),
            fakes.tools.sysprep(),
            fakes.tools.console());
    ConfigureRun run = fakes.run(settings);
    run.imageInfo = real.info(image);
    run.workDir = Files.createDirectories(dir.resolve("work"));
    run.overlay = run.workDir.resolve("overlay.qcow2");
    // the guest's write: one sector of the overlay, over the raw image
    TestImages.run(
        "qemu-img",
        "create",
        "-q",
        "-f",
        "qcow2",
        "-b",
        image.toString(),
        "-F",
        "raw",
        run.overlay.toString());
    TestImages.run("qemu-io", "-f", "qcow2", "-c", "write -P 0x5a 0 512", run.overlay.toString());

    new CommitStep(settings, tools).run(run);

    assertThat(real.info(image).format()).isEqualTo("raw");
    byte[] after = Files.readAllBytes(image);
    assertThat(after).hasSize(before.length);
    assertThat(after[0]).isEqualTo((byte) 0x5a);
    Process sums =
        new ProcessBuilder("sha256sum", "--strict", "-c", "SHA256SUMS")
            .directory(folder.toFile())
            .redirectErrorStream(true)
            .start();
    String said = new String(sums.getInputStream().readAllBytes());
    assertThat(sums.waitFor()).as(said).isZero();
    assertThat(Files.readString(folder.resolve("SHA256SUMS")))
        .contains(sha256(after) + "  image.raw")
        .contains("  other.qcow2");
  }

  private static String sha256(byte[] bytes) throws Exception {
    return java.util.HexFormat.of()
        .formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(bytes));
  }

  @Test
  void aFailedConvertLeavesTheImageAsItWas() throws Exception {
    ConfigureFakes fakes = new ConfigureFakes(dir);
    ConfigureSettings settings = fakes.withFiles(true);
    fakes.qemuImg.failOn("convert");
    ConfigureRun run = fakes.run(settings);
    OverlayStep overlay = new OverlayStep(settings, fakes.tools);
    overlay.plan(run);
    Files.createDirectories(run.workDir);

    try {
      new CommitStep(settings, fakes.tools).run(run);
    } catch (RuntimeException expected) {
      overlay.cleanup(run);
    }

    assertThat(settings.image()).hasContent("image");
    assertThat(run.workDir).doesNotExist();
    assertThat(run.commit).isNull();
  }
}
