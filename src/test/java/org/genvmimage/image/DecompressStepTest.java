package org.genvmimage.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.genvmimage.compress.Codec;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.download.Digest;
import org.genvmimage.download.FetchResult;
import org.genvmimage.download.TestHttpServer;
import org.genvmimage.testing.Compressed;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link DecompressStep} alone, on small files, with the fakes of the other step tests. */
class DecompressStepTest {
  private static final URI SOURCE = URI.create("https://example.org/images/base.qcow2.xz");

  @TempDir Path dir;

  private ImageBuild fetched(Path file, URI source) {
    ImageBuild build = StepFakes.build(source, "qcow2", dir.resolve("out/img.qcow2"));
    build.fetched = new FetchResult(file, new Digest("sha256", "0".repeat(64)), false, 0, source);
    return build;
  }

  @Test
  void eachCodecIsKnownByItsFirstBytesAndDecompressedBesideTheOutput() throws Exception {
    byte[] disk = new byte[3 * 1024 * 1024];
    byte[] data = TestHttpServer.randomBytes(4096, 3);
    System.arraycopy(data, 0, disk, 1 << 20, data.length); // zeros around it: sparse
    Files.createDirectories(dir.resolve("out"));
    for (Codec codec : Codec.values()) {
      StepFakes.Tools fakes = new StepFakes.Tools(dir.resolve("cache"));
      // the name says nothing: the content does
      Path file =
          Files.write(dir.resolve("base-" + codec.label()), Compressed.compress(disk, codec));
      ImageBuild build = fetched(file, SOURCE);
      DecompressStep step = new DecompressStep(fakes.tools);

      step.run(build);

      assertThat(build.compression).as(codec.label()).isEqualTo(codec);
      assertThat(build.unpacked).isEqualTo(DecompressStep.unpackedPath(build.temp));
      assertThat(Files.readAllBytes(build.unpacked)).as(codec.label()).isEqualTo(disk);
      assertThat(Files.readAllBytes(file))
          .as("the cached file stays")
          .isEqualTo(Compressed.compress(disk, codec));
      assertThat(fakes.log.toString()).contains("img: decompressing (" + codec.label() + ")");
      assertThat(fakes.qemuImg.calls()).isEmpty();
      step.cleanup(build);
      assertThat(build.unpacked).doesNotExist();
    }
  }

  @Test
  void aPlainImageAndABlankDiskAreLeftAlone() throws Exception {
    StepFakes.Tools fakes = new StepFakes.Tools(dir.resolve("cache"));
    Path plain =
        Files.write(
            dir.resolve("base.qcow2.xz"), new byte[] {'Q', 'F', 'I', (byte) 0xfb, 0, 0, 0, 3});
    ImageBuild build = fetched(plain, SOURCE);
    new DecompressStep(fakes.tools).run(build);
    assertThat(build.compression).isNull();
    assertThat(build.unpacked).isNull();

    ImageBuild blank = StepFakes.build(null, "qcow2", dir.resolve("out/blank.qcow2"));
    new DecompressStep(fakes.tools).run(blank);
    new DecompressStep(fakes.tools).plan(StepFakes.planned(blank));
    assertThat(blank.compression).isNull();
    assertThat(blank.unpacked).isNull();
  }

  @Test
  void aPlanGoesByTheNameOfAFileStillToBeDownloadedAndByTheContentOfOneOnDisk() throws Exception {
    StepFakes.Tools fakes = new StepFakes.Tools(dir.resolve("cache"));
    ImageBuild toDownload =
        StepFakes.planned(StepFakes.build(SOURCE, "qcow2", dir.resolve("out/a.qcow2")));
    new DecompressStep(fakes.tools).plan(toDownload);
    assertThat(toDownload.compression).isEqualTo(Codec.XZ);
    assertThat(toDownload.plan.compressionByName).isTrue();
    assertThat(toDownload.unpacked).isEqualTo(DecompressStep.unpackedPath(toDownload.temp));

    Path gz = Files.write(dir.resolve("named.xz"), Compressed.compress(new byte[8192], Codec.GZIP));
    ImageBuild onDisk = StepFakes.planned(fetched(gz, SOURCE));
    new DecompressStep(fakes.tools).plan(onDisk);
    assertThat(onDisk.compression).isEqualTo(Codec.GZIP);
    assertThat(onDisk.plan.compressionByName).isFalse();
    assertThat(onDisk.unpacked).doesNotExist(); // a plan writes nothing
  }

  @Test
  void aDamagedStreamFailsNamingTheFileAndItsSourceAndCleanupRemovesThePart() throws Exception {
    StepFakes.Tools fakes = new StepFakes.Tools(dir.resolve("cache"));
    Files.createDirectories(dir.resolve("out"));
    byte[] xz = Compressed.compress(TestHttpServer.randomBytes(256 * 1024, 5), Codec.XZ);
    Path cut = Files.write(dir.resolve("cut.xz"), Arrays.copyOf(xz, xz.length / 2));
    ImageBuild build = fetched(cut, SOURCE);
    DecompressStep step = new DecompressStep(fakes.tools);

    assertThatThrownBy(() -> step.run(build))
        .isInstanceOf(GenVmException.class)
        .satisfies(
            e -> assertThat(((GenVmException) e).exitCode()).isEqualTo(ExitCode.TOOL_FAILED.code()))
        .hasMessageStartingWith(
            cut + " (downloaded from " + SOURCE + "): not a usable compressed disk image: ")
        .hasMessageEndingWith(
            "(it matched its checksum: the published file itself is damaged or cut short)");

    step.cleanup(build);
    assertThat(DecompressStep.unpackedPath(build.temp)).doesNotExist();
  }
}
