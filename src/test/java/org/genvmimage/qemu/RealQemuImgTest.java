package org.genvmimage.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.genvmimage.qemu.TestImages.MIB;
import static org.genvmimage.qemu.TestImages.qemuImg;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.process.ProcessRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Runs the real qemu-img on tiny images. */
@Timeout(120)
class RealQemuImgTest {
  private final QemuImg qemuImg = new RealQemuImg(new ProcessRunner());

  @TempDir Path dir;

  @Test
  void infoFindsQcow2FromTheContentWhateverTheName() throws IOException {
    Path image = TestImages.qcow2(dir.resolve("looks-raw.img"), "0.10");

    ImageInfo info = qemuImg.info(image);

    assertThat(info.format()).isEqualTo("qcow2");
    assertThat(info.virtualSize()).isEqualTo(4 * MIB);
    assertThat(info.actualSize()).isPositive();
    assertThat(info.compat()).isEqualTo("0.10");
    assertThat(info.backingFile()).isNull();
    assertThat(info.encrypted()).isFalse();
    assertThat(info.externalFiles()).isEmpty();
  }

  @Test
  void infoFindsRawFromTheContentWhateverTheName() throws IOException {
    Path image = TestImages.raw(dir.resolve("looks-like.qcow2"), 3 * MIB, 4096);

    ImageInfo info = qemuImg.info(image);

    assertThat(info.format()).isEqualTo("raw");
    assertThat(info.virtualSize()).isEqualTo(3 * MIB);
    assertThat(info.compat()).isNull();
    assertThat(info.backingFile()).isNull();
    assertThat(info.encrypted()).isFalse();
  }

  @Test
  void infoReportsBackingFileEncryptionAndExternalDataFile() throws IOException {
    Path base = TestImages.qcow2(dir.resolve("base.qcow2"), "1.1");
    Path overlay = dir.resolve("overlay.qcow2");
    qemuImg("create", "-f", "qcow2", "-b", base.toString(), "-F", "qcow2", overlay.toString());
    Path encrypted = TestImages.encryptedQcow2(dir.resolve("encrypted.qcow2"));
    Path withDataFile = dir.resolve("data-file.qcow2");
    Path dataFile = dir.resolve("data.raw");
    qemuImg("create", "-f", "qcow2", "-o", "data_file=" + dataFile, withDataFile.toString(), "4M");

    assertThat(qemuImg.info(overlay).backingFile()).isEqualTo(base.toString());
    assertThat(qemuImg.info(encrypted).encrypted()).isTrue();
    assertThat(qemuImg.info(withDataFile).externalFiles()).containsExactly(dataFile.toString());
  }

  @Test
  void convertWritesQcow2Compat11WithTheSameContentAndReportsProgress() throws IOException {
    Path raw = TestImages.raw(dir.resolve("disk.raw"), 8 * MIB, 3 * (int) MIB);
    Path target = dir.resolve("disk.qcow2");
    List<Double> progress = new CopyOnWriteArrayList<>();

    qemuImg.convert(raw, "raw", target, progress::add);

    ImageInfo info = qemuImg.info(target);
    assertThat(info.format()).isEqualTo("qcow2");
    assertThat(info.compat()).isEqualTo("1.1");
    assertThat(info.virtualSize()).isEqualTo(8 * MIB);
    qemuImg("compare", "-f", "raw", "-F", "qcow2", raw.toString(), target.toString());
    assertThat(progress).isNotEmpty().isSorted().last().isEqualTo(100.0);
  }

  @Test
  void convertWithoutProgressCallback() throws IOException {
    Path source = TestImages.qcow2(dir.resolve("old.qcow2"), "0.10");
    Path target = dir.resolve("new.qcow2");

    qemuImg.convert(source, "qcow2", target, null);

    assertThat(qemuImg.info(target).compat()).isEqualTo("1.1");
  }

  @Test
  void amendUpgradesCompat() throws IOException {
    Path image = TestImages.qcow2(dir.resolve("old.qcow2"), "0.10");

    qemuImg.amend(image, "qcow2", "compat=1.1");

    assertThat(qemuImg.info(image).compat()).isEqualTo("1.1");
    assertThat(qemuImg.check(image, "qcow2").status()).isEqualTo(CheckResult.Status.CLEAN);
  }

  @Test
  void resizeGrowsTheVirtualSize() throws IOException {
    Path image = TestImages.qcow2(dir.resolve("disk.qcow2"), "1.1");

    qemuImg.resize(image, "qcow2", 64 * MIB);

    assertThat(qemuImg.info(image).virtualSize()).isEqualTo(64 * MIB);
  }

  @Test
  void anOverlayKeepsItsBackingImageUntouchedAndFlattensIntoAWholeImage() throws IOException {
    Path base = TestImages.qcow2(dir.resolve("base.qcow2"), "1.1");
    byte[] before = java.nio.file.Files.readAllBytes(base);
    Path overlay = dir.resolve("overlay.qcow2");

    qemuImg.createOverlay(overlay, base, "qcow2");
    ImageInfo info = qemuImg.info(overlay);
    assertThat(info.format()).isEqualTo("qcow2");
    assertThat(info.backingFile()).isEqualTo(base.toAbsolutePath().toString());
    assertThat(info.virtualSize()).isEqualTo(4 * MIB);

    Path flat = dir.resolve("flat.qcow2");
    qemuImg.convert(overlay, "qcow2", flat, null);
    assertThat(qemuImg.info(flat).backingFile()).isNull();
    TestImages.qemuImg("compare", "-f", "qcow2", "-F", "qcow2", base.toString(), flat.toString());
    assertThat(java.nio.file.Files.readAllBytes(base)).isEqualTo(before);
  }

  @Test
  void resizeRefusesToShrinkWithQemuImgsReason() throws IOException {
    Path image = TestImages.qcow2(dir.resolve("disk.qcow2"), "1.1");

    GenVmException e =
        catchThrowableOfType(GenVmException.class, () -> qemuImg.resize(image, "qcow2", MIB));

    assertThat(e.exitCode()).isEqualTo(ExitCode.TOOL_FAILED.code());
    assertThat(e.getMessage())
        .startsWith("qemu-img resize -f qcow2 " + image + " 1048576 failed with exit code 1: ")
        .contains("--shrink");
    assertThat(qemuImg.info(image).virtualSize()).isEqualTo(4 * MIB);
  }

  @Test
  void checkOfACleanImage() throws IOException {
    Path image = TestImages.qcow2(dir.resolve("disk.qcow2"), "1.1");

    CheckResult result = qemuImg.check(image, "qcow2");

    assertThat(result)
        .isEqualTo(new CheckResult(CheckResult.Status.CLEAN, 0, 0, "no errors found"));
    assertThat(result.ok()).isTrue();
  }

  @Test
  void checkOfACorruptImage() throws IOException {
    Path image = TestImages.qcow2(dir.resolve("disk.qcow2"), "1.1");
    TestImages.zeroFirstRefcountBlock(image);

    CheckResult result = qemuImg.check(image, "qcow2");

    assertThat(result.status()).isEqualTo(CheckResult.Status.CORRUPT);
    assertThat(result.ok()).isFalse();
    assertThat(result.corruptions()).isPositive();
    assertThat(result.detail())
        .startsWith(result.corruptions() + " corruptions: ")
        .contains("refcount=0")
        .hasSizeLessThan(700);
  }

  @Test
  void checkWithOnlyLeakedClustersIsOk() throws IOException {
    Path image = TestImages.qcow2(dir.resolve("disk.qcow2"), "1.1");
    TestImages.leakOneCluster(image);

    CheckResult result = qemuImg.check(image, "qcow2");

    assertThat(result.status()).isEqualTo(CheckResult.Status.LEAKED);
    assertThat(result.leakedClusters()).isEqualTo(1);
    assertThat(result.corruptions()).isZero();
    assertThat(result.ok()).isTrue();
  }

  @Test
  void checkOfRawIsNotSupported() throws IOException {
    Path image = TestImages.raw(dir.resolve("disk.raw"), MIB, 512);

    CheckResult result = qemuImg.check(image, "raw");

    assertThat(result.status()).isEqualTo(CheckResult.Status.NOT_SUPPORTED);
    assertThat(result.ok()).isTrue();
    assertThat(result.detail()).isEqualTo("raw images have no consistency check");
  }

  @Test
  void checkThatCannotOpenTheImageIsAnError() throws IOException {
    Path notQcow2 = TestImages.raw(dir.resolve("disk.raw"), MIB, 512);

    CheckResult result = qemuImg.check(notQcow2, "qcow2");

    assertThat(result.status()).isEqualTo(CheckResult.Status.ERROR);
    assertThat(result.ok()).isFalse();
    assertThat(result.detail())
        .isEqualTo(
            "the check could not be completed: qemu-img: Could not open '"
                + notQcow2
                + "': Image is not in qcow2 format");
  }

  @Test
  void failureCarriesTheStderrTail() {
    Path missing = dir.resolve("missing.qcow2");

    GenVmException e = catchThrowableOfType(GenVmException.class, () -> qemuImg.info(missing));

    assertThat(e.exitCode()).isEqualTo(ExitCode.TOOL_FAILED.code());
    assertThat(e.getMessage())
        .isEqualTo(
            "qemu-img info --output=json "
                + missing
                + " failed with exit code 1: qemu-img: Could not open '"
                + missing
                + "': Could not open '"
                + missing
                + "': No such file or directory");
  }

  @Test
  void missingExecutableIsToolMissingWithTheInstallHint() {
    QemuImg absent = new RealQemuImg(new ProcessRunner(), "qemu-img-not-installed");

    GenVmException e =
        catchThrowableOfType(GenVmException.class, () -> absent.info(dir.resolve("x.qcow2")));

    assertThat(e.exitCode()).isEqualTo(ExitCode.TOOL_MISSING.code());
    assertThat(e.getMessage())
        .isEqualTo("qemu-img-not-installed not found: " + RealQemuImg.MISSING_HINT);
    assertThat(RealQemuImg.MISSING_HINT).contains("GEN_VM_IMAGE_QEMU_IMG");
  }

  @Test
  void compressedClustersOfEitherTypeAreWrittenAndTriedOutOnce() throws IOException {
    List<List<String>> ran = new CopyOnWriteArrayList<>();
    ProcessRunner real = new ProcessRunner();
    QemuImg recorded =
        new RealQemuImg(
            spec -> {
              ran.add(spec.command());
              return real.run(spec);
            });
    Path source =
        org.genvmimage.testing.TestImages.rawToQcow2(
            org.genvmimage.testing.TestImages.text(dir, "text.raw", (int) (4 * MIB)),
            dir.resolve("source.qcow2"),
            "1.1");
    for (String type : List.of("zstd", "zlib")) {
      TargetFormat to = new TargetFormat("qcow2", null, type);
      assertThat(recorded.cannotWrite(to)).as(type).isEmpty();
      assertThat(recorded.cannotWrite(to)).as(type).isEmpty();
      Path target = dir.resolve(type + ".qcow2");

      recorded.convert(source, "qcow2", target, to, null);

      assertThat(qemuImg("info", target.toString())).contains("compression type: " + type);
      assertThat(qemuImg("check", "--output=json", target.toString()))
          .containsPattern("\"compressed-clusters\": [1-9]");
      assertThat(qemuImg("compare", source.toString(), target.toString()))
          .contains("Images are identical");
    }
    // one try-out per type, in a folder of its own that is gone afterwards
    assertThat(ran).filteredOn(c -> c.get(1).equals("create")).hasSize(2);
    assertThat(ran)
        .filteredOn(c -> c.get(1).equals("create"))
        .allSatisfy(c -> assertThat(Path.of(c.get(c.size() - 2)).getParent()).doesNotExist());
    assertThat(recorded.cannotWrite(TargetFormat.of("qcow2"))).isEmpty();
  }

  @Test
  void aQemuImgWithoutZstdSaysSoAndStillWritesZlib() throws IOException {
    Path script = org.genvmimage.testing.TestImages.qemuImgWithoutZstd(dir);
    QemuImg withoutZstd = new RealQemuImg(new ProcessRunner(), script.toString());

    assertThat(withoutZstd.cannotWrite(new TargetFormat("qcow2", null, "zstd")))
        .contains(
            script
                + " cannot write qcow2 (zstd-compressed) images (Parameter 'compression-type' does"
                + " not accept value 'zstd')");
    assertThat(withoutZstd.cannotWrite(new TargetFormat("qcow2", null, "zlib"))).isEmpty();
  }
}
