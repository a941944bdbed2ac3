package org.genvmimage.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.genvmimage.architecture.Architecture;
import org.genvmimage.architecture.ArchitectureLoader;
import org.genvmimage.compress.Codec;
import org.genvmimage.console.Console;
import org.genvmimage.download.DownloadCache;
import org.genvmimage.download.DownloadSettings;
import org.genvmimage.download.Downloader;
import org.genvmimage.download.TestHttpServer;
import org.genvmimage.process.CommandRunner;
import org.genvmimage.process.ProcessRunner;
import org.genvmimage.qemu.RealQemuImg;
import org.genvmimage.testing.Compressed;
import org.genvmimage.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A dry run plans the very qemu-img command lines that the build then runs: a real small image from
 * a loopback server, the real qemu-img, and a recorder of every command it is given.
 */
class PlanMatchesRunTest {
  private static final long MIB = 1L << 20;

  @TempDir Path dir;
  private TestHttpServer server;
  private final List<List<String>> ran = new CopyOnWriteArrayList<>();
  private ImageBuilder builder;
  private Downloader downloader;

  @BeforeEach
  void setUp() {
    server = TestHttpServer.start();
    ProcessRunner real = new ProcessRunner();
    CommandRunner recorder =
        spec -> {
          ran.add(spec.command());
          return real.run(spec);
        };
    downloader =
        new Downloader(new DownloadCache(dir.resolve("cache")), DownloadSettings.defaults());
    Console console =
        new Console(
            "gen-vm-image", new PrintWriter(new StringWriter()), Console.Verbosity.QUIET, false);
    BuildTools tools =
        new BuildTools(
            downloader,
            new RealQemuImg(recorder),
            console,
            ImageOwner.distributionDefault(user -> false),
            false);
    builder = new ImageBuilder(tools, 1);
  }

  @AfterEach
  void tearDown() {
    downloader.close();
    server.close();
  }

  @Test
  void theCommandsPlannedAreTheCommandsRun() throws Exception {
    byte[] raw = Files.readAllBytes(TestImages.raw(dir, "base.img", (int) (3 * MIB), 7));
    server.serve("/img/base.img", raw);
    Path arch = dir.resolve("architecture.yml");
    Files.writeString(
        arch,
        String.format(
            "owner: t%nimages:%n  deb:%n    name: deb%n    version: 1%n    get_url: %s%n"
                + "    checksum:%n      type: sha256%n      value: %s%n    size: 8M%n",
            server.uri("/img/base.img"), TestHttpServer.sha256(raw)));
    Architecture architecture = ArchitectureLoader.load(arch);
    Path out = dir.resolve("out");

    // before the download: the format is what qemu-img info will find
    Path first = out.resolve("first.qcow2");
    List<String> before = TestImages.listFiles(dir);
    ImagePlan downloadPlan = builder.plan(architecture, Map.of("deb", first)).get(0);
    assertThat(downloadPlan.error()).isNull();
    assertThat(downloadPlan.source().how()).isEqualTo(ImagePlan.Source.DOWNLOAD);
    assertThat(TestImages.listFiles(dir)).isEqualTo(before);
    assertThat(ran).isEmpty();

    List<ImageResult> built = builder.build(architecture, Map.of("deb", first));
    assertThat(built.get(0).error()).isNull();
    assertThat(ran)
        .isEqualTo(
            resolved(downloadPlan, List.copyOf(ran)).stream()
                .map(c -> c.stream().map(a -> a.replace("<format>", "raw")).toList())
                .toList());

    // from the cache: the plan reads the base image's format, and nothing is left to guess
    Path second = out.resolve("second.qcow2");
    ran.clear();
    ImagePlan cachedPlan = builder.plan(architecture, Map.of("deb", second)).get(0);
    assertThat(cachedPlan.error()).isNull();
    assertThat(cachedPlan.source().how()).isEqualTo(ImagePlan.Source.CACHE);
    assertThat(cachedPlan.work().commands()).noneMatch(c -> c.contains("<format>"));
    ran.clear();
    builder.build(architecture, Map.of("deb", second));
    List<List<String>> secondRun = List.copyOf(ran);
    assertThat(secondRun).hasSize(5).isEqualTo(resolved(cachedPlan, secondRun));
  }

  @Test
  void aVpcOutputIsPlannedAsItIsRunWithItsLastConversion() throws Exception {
    byte[] raw = Files.readAllBytes(TestImages.raw(dir, "base.img", (int) (3 * MIB), 9));
    server.serve("/img/base.img", raw);
    Path arch = dir.resolve("architecture.yml");
    Files.writeString(
        arch,
        String.format(
            "owner: t%nimages:%n  deb:%n    name: deb%n    version: 1%n    get_url: %s%n"
                + "    checksum:%n      type: sha256%n      value: %s%n    size: 10M%n"
                + "    format: vpc%n",
            server.uri("/img/base.img"), TestHttpServer.sha256(raw)));
    Architecture architecture = ArchitectureLoader.load(arch);
    Path out = dir.resolve("out");

    for (String name : List.of("first.vhd", "second.vhd")) {
      Path output = out.resolve(name);
      ran.clear();
      ImagePlan plan = builder.plan(architecture, Map.of("deb", output)).get(0);
      assertThat(plan.error()).isNull();
      // from the cache, the plan reads the base image's format with qemu-img info
      ran.clear();
      List<ImageResult> built = builder.build(architecture, Map.of("deb", output));
      assertThat(built.get(0).error()).isNull();
      // info, convert to qcow2, resize, convert to vpc, check, info
      assertThat(ran)
          .hasSize(6)
          .isEqualTo(
              resolved(plan, List.copyOf(ran)).stream()
                  .map(c -> c.stream().map(a -> a.replace("<format>", "raw")).toList())
                  .toList());
      assertThat(ran.get(3)).containsSequence("-O", "vpc", "-o", "subformat=dynamic,force_size=on");
      assertThat(TestImages.info(output).path("format").asText()).isEqualTo("vpc");
      assertThat(TestImages.info(output).path("virtual-size").asLong()).isEqualTo(10 * MIB);
      assertThat(TestImages.listFiles(out)).noneMatch(f -> f.contains(".tmp"));
    }
  }

  @Test
  void aZstdCompressedQcow2AndAFixedVhdArePlannedAsTheyAreRun() throws Exception {
    byte[] raw = Files.readAllBytes(TestImages.text(dir, "base.img", (int) (3 * MIB)));
    server.serve("/img/base.img", raw);
    String input =
        "{url: %s, checksum: {type: sha256, value: %s}}"
            .formatted(server.uri("/img/base.img"), TestHttpServer.sha256(raw));
    Path arch = dir.resolve("architecture.yml");
    Files.writeString(
        arch,
        """
        owner: t
        images:
          z: {name: z, size: 10M, compression: zstd, input: %1$s}
          a: {name: a, size: 10M, format: vpc, subformat: fixed, input: %1$s}
        """
            .formatted(input));
    Architecture architecture = ArchitectureLoader.load(arch);
    Path out = dir.resolve("out");
    builder.build(architecture, Map.of("z", out.resolve("warm.qcow2"))); // into the cache

    for (String key : List.of("z", "a")) {
      Path output = out.resolve(key + ".img");
      ran.clear();
      ImagePlan plan = builder.plan(architecture, Map.of(key, output)).get(0);
      assertThat(plan.error()).isNull();
      ran.clear();
      List<ImageResult> built = builder.build(architecture, Map.of(key, output));
      assertThat(built.get(0).error()).isNull();
      // info, convert to qcow2, resize, the last conversion, check, info
      assertThat(ran).hasSize(6).isEqualTo(resolved(plan, List.copyOf(ran)));
      assertThat(built.get(0).fileSize()).isEqualTo(Files.size(output));
    }
    assertThat(ran.get(3)).containsSequence("-O", "vpc", "-o", "subformat=fixed,force_size=on");
    assertThat(ran.get(5)).containsSequence("info", "--output=json", "-f", "vpc");
    assertThat(TestImages.info(out.resolve("z.img")).path("format-specific").toString())
        .contains("\"compression-type\":\"zstd\"");
    assertThat(Files.size(out.resolve("a.img"))).isEqualTo(10 * MIB + 512);
  }

  @Test
  void aCompressedBaseImageIsPlannedAsItIsRun() throws Exception {
    byte[] raw = Files.readAllBytes(TestImages.raw(dir, "base.img", (int) (3 * MIB), 8));
    byte[] xz = Compressed.compress(raw, Codec.XZ);
    server.serve("/img/Fedora-Cloud-Base-Generic-41-1.4.x86_64.raw.xz", xz);
    Path arch = dir.resolve("architecture.yml");
    Files.writeString(
        arch,
        String.format(
            "owner: t%nimages:%n  fedora:%n    name: fedora%n    version: 41%n    get_url: %s%n"
                + "    checksum:%n      type: sha256%n      value: %s%n    size: 8M%n",
            server.uri("/img/Fedora-Cloud-Base-Generic-41-1.4.x86_64.raw.xz"),
            TestHttpServer.sha256(xz)));
    Architecture architecture = ArchitectureLoader.load(arch);
    Path out = dir.resolve("out");

    for (String name : List.of("first.qcow2", "second.qcow2")) {
      Path output = out.resolve(name);
      ran.clear();
      List<String> before = TestImages.listFiles(dir);
      ImagePlan plan = builder.plan(architecture, Map.of("fedora", output)).get(0);
      assertThat(plan.error()).isNull();
      assertThat(TestImages.listFiles(dir)).isEqualTo(before);
      assertThat(ran).isEmpty();
      assertThat(plan.source().compression()).isEqualTo("xz");
      // by name before the download, by content from the cache
      assertThat(plan.source().compressionByName()).isEqualTo(name.equals("first.qcow2"));
      assertThat(plan.source().unpacked().toString()).isEqualTo(plan.work().temp() + ".unpacked");
      assertThat(plan.work().commands().get(0)).contains(plan.source().unpacked().toString());

      List<ImageResult> built = builder.build(architecture, Map.of("fedora", output));
      assertThat(built.get(0).error()).isNull();
      assertThat(built.get(0).compression()).isEqualTo("xz");
      assertThat(ran)
          .hasSize(5)
          .isEqualTo(
              resolved(plan, List.copyOf(ran)).stream()
                  .map(c -> c.stream().map(a -> a.replace("<format>", "raw")).toList())
                  .toList());
      assertThat(TestImages.listFiles(out)).noneMatch(f -> f.contains(".tmp"));
    }
  }

  /**
   * The plan's commands with its temporary file's {@code <random>} name replaced by the one the run
   * chose (the target of its convert), after checking that the two differ only there.
   */
  private static List<List<String>> resolved(ImagePlan plan, List<List<String>> run) {
    String planned = plan.work().temp().toString();
    String actual =
        run.stream()
            .filter(c -> c.get(1).equals("convert"))
            .map(c -> c.get(c.size() - 1))
            .findFirst()
            .orElseThrow();
    String[] around = planned.split("<random>", -1);
    assertThat(around).hasSize(2);
    assertThat(actual).startsWith(around[0]).endsWith(around[1]);
    List<List<String>> commands = new ArrayList<>();
    for (List<String> command : plan.work().commands()) {
      // the temporary file, and the decompressed base image named after it
      commands.add(
          command.stream()
              .map(a -> a.startsWith(planned) ? actual + a.substring(planned.length()) : a)
              .toList());
    }
    return commands;
  }
}
