package org.genvmimage.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.genvmimage.architecture.Architecture;
import org.genvmimage.architecture.ArchitectureLoader;
import org.genvmimage.console.Console;
import org.genvmimage.core.ExitCode;
import org.genvmimage.download.DownloadCache;
import org.genvmimage.download.DownloadSettings;
import org.genvmimage.download.Downloader;
import org.genvmimage.download.TestHttpServer;
import org.genvmimage.process.ProcessRunner;
import org.genvmimage.qemu.RealQemuImg;
import org.genvmimage.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A qemu-img that cannot write zstd-compressed clusters fails the image before its base image is
 * downloaded, in the build and in the dry run alike, and leaves images it can write alone.
 */
class WritableFormatStepTest {
  private static final long MIB = 1L << 20;

  @TempDir Path dir;
  private TestHttpServer server;
  private Downloader downloader;
  private ImageBuilder builder;

  @BeforeEach
  void setUp() throws Exception {
    server = TestHttpServer.start();
    downloader =
        new Downloader(new DownloadCache(dir.resolve("cache")), DownloadSettings.defaults());
    Console console =
        new Console(
            "gen-vm-image", new PrintWriter(new StringWriter()), Console.Verbosity.QUIET, false);
    RealQemuImg withoutZstd =
        new RealQemuImg(new ProcessRunner(), TestImages.qemuImgWithoutZstd(dir).toString());
    builder =
        new ImageBuilder(
            new BuildTools(
                downloader,
                withoutZstd,
                console,
                ImageOwner.distributionDefault(user -> false),
                false),
            1);
  }

  @AfterEach
  void tearDown() {
    downloader.close();
    server.close();
  }

  @Test
  void zstdIsRefusedBeforeTheDownloadAndZlibIsBuilt() throws Exception {
    byte[] raw = Files.readAllBytes(TestImages.text(dir, "base.img", (int) (2 * MIB)));
    server.serve("/base.img", raw);
    Path arch =
        Files.writeString(
            dir.resolve("architecture.yml"),
            """
            owner: t
            images:
              z: {name: z, size: 8M, compression: zstd, input: {url: %1$s, checksum: {type: sha256, value: %2$s}}}
              l: {name: l, size: 8M, compression: zlib, input: {url: %1$s, checksum: {type: sha256, value: %2$s}}}
            """
                .formatted(server.uri("/base.img"), TestHttpServer.sha256(raw)));
    Architecture architecture = ArchitectureLoader.load(arch);
    Path out = dir.resolve("out");
    Map<String, Path> zstd = Map.of("z", out.resolve("z.qcow2"));

    ImagePlan plan = builder.plan(architecture, zstd).get(0);
    ImageResult result = builder.build(architecture, zstd).get(0);

    String why =
        "qemu-img-without-zstd cannot write qcow2 (zstd-compressed) images (Parameter"
            + " 'compression-type' does not accept value 'zstd'); images.z.compression: zstd needs"
            + " a qemu-img built with it (QEMU 5.1 or later): install one, or choose compression:"
            + " zlib";
    for (var error : List.of(plan.error(), result.error())) {
      assertThat(error.exitCode()).isEqualTo(ExitCode.TOOL_MISSING.code());
      assertThat(error.getMessage()).endsWith(why);
    }
    assertThat(server.requests()).isEmpty();
    assertThat(out).doesNotExist();

    ImageResult zlib = builder.build(architecture, Map.of("l", out.resolve("l.qcow2"))).get(0);
    assertThat(zlib.error()).isNull();
    assertThat(TestImages.info(out.resolve("l.qcow2")).path("format-specific").toString())
        .contains("\"compression-type\":\"zlib\"");
  }
}
