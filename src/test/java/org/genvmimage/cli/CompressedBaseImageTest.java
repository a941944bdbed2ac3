package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.genvmimage.cli.CliRun.Result;
import org.genvmimage.compress.Codec;
import org.genvmimage.core.ExitCode;
import org.genvmimage.download.TestHttpServer;
import org.genvmimage.testing.Compressed;
import org.genvmimage.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Compressed base images end to end: a loopback HTTP server serving files named as distributions
 * name them (Fedora Cloud's {@code .raw.xz}, FreeBSD's {@code .qcow2.xz}, Flatcar's {@code
 * .img.bz2}), compressed here with each codec's own encoder, built with the real qemu-img.
 */
class CompressedBaseImageTest {
  private static final int MIB = 1 << 20;

  @TempDir Path dir;
  private TestHttpServer server;
  private Path cache;
  private Path out;

  @BeforeEach
  void start() {
    server = TestHttpServer.start();
    cache = dir.resolve("cache");
    out = dir.resolve("out");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  private Result run(String... args) {
    return CliRun.genWithCache(cache, args);
  }

  private Path architecture(String images) throws IOException {
    return Files.writeString(dir.resolve("architecture.yml"), "owner: t\nimages:\n" + images);
  }

  private static String image(String key, String url, String sha256, String size) {
    return String.format(
        "  %s:%n    name: %s%n    version: 1%n    get_url: %s%n    checksum:%n      type: sha256%n"
            + "      value: %s%n    size: %s%n",
        key, key, url, sha256, size);
  }

  /** A raw disk: 1 MiB of random data (with an MBR signature), then zeros up to {@code size}. */
  private Path rawDisk(String name, int size, long seed) throws IOException {
    byte[] data = new byte[size];
    byte[] head = new byte[MIB];
    new Random(seed).nextBytes(head);
    System.arraycopy(head, 0, data, 0, MIB);
    data[510] = 0x55;
    data[511] = (byte) 0xAA;
    return Files.write(dir.resolve(name), data);
  }

  /** Compresses a file and serves it at {@code path}; returns the compressed file's sha256. */
  private String serveCompressed(Path file, Codec codec, String path) throws IOException {
    byte[] compressed = Compressed.compress(Files.readAllBytes(file), codec);
    server.serve(path, compressed);
    return TestHttpServer.sha256(compressed);
  }

  /** Distribution-style names for a raw and a qcow2 image compressed with each codec. */
  private static String[] names(Codec codec) {
    return switch (codec) {
      case XZ ->
          new String[] {
            "/fedora/Fedora-Cloud-Base-Generic-41-1.4.x86_64.raw.xz",
            "/freebsd/FreeBSD-14.2-RELEASE-amd64-BASIC-CLOUDINIT-ufs.qcow2.xz"
          };
      case BZIP2 ->
          new String[] {
            "/flatcar/flatcar_production_image.bin.bz2",
            "/flatcar/flatcar_production_qemu_image.img.bz2"
          };
      case GZIP -> new String[] {"/suse/disk.raw.gz", "/suse/openSUSE-Leap-15.6.qcow2.gz"};
      case ZSTD ->
          new String[] {"/arch/disk.raw.zst", "/arch/Arch-Linux-x86_64-cloudimg.qcow2.zst"};
    };
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void rawAndQcow2BaseImagesOfEachCodecBuildToTheSameContent(Codec codec) throws Exception {
    Path raw = rawDisk("disk.raw", 6 * MIB, 1);
    Path qcow = TestImages.qcow2(dir, "disk.qcow2", 3 * MIB, 2, "1.1");
    Path oldQcow = TestImages.qcow2(dir, "old.qcow2", 2 * MIB, 3, "0.10");
    String[] names = names(codec);
    String rawSum = serveCompressed(raw, codec, names[0]);
    String qcowSum = serveCompressed(qcow, codec, names[1]);
    String oldSum = serveCompressed(oldQcow, codec, "/old/old.qcow2" + suffix(codec));
    Path arch =
        architecture(
            image("raw", server.uri(names[0]).toString(), rawSum, "16M")
                + image("qcow", server.uri(names[1]).toString(), qcowSum, "16M")
                + image(
                    "old", server.uri("/old/old.qcow2" + suffix(codec)).toString(), oldSum, "8M"));

    Result r =
        run(
            "--architecture-path",
            arch.toString(),
            "--image-output-path",
            out.resolve("image.qcow2").toString(),
            "--output",
            "json");

    assertThat(r.exit()).as(r.err()).isZero();
    assertSameContent(raw, out.resolve("raw.qcow2"));
    assertSameContent(qcow, out.resolve("qcow.qcow2"));
    assertSameContent(oldQcow, out.resolve("old.qcow2"));
    for (String key : List.of("raw", "qcow", "old")) {
      JsonNode info = TestImages.info(out.resolve(key + ".qcow2"));
      assertThat(info.path("format").asText()).isEqualTo("qcow2");
      assertThat(info.path("format-specific").path("data").path("compat").asText())
          .isEqualTo("1.1");
    }
    for (JsonNode img : r.json().path("images")) {
      assertThat(img.path("source_compression").asText()).isEqualTo(codec.label());
    }
    // the cache holds the compressed files, each under its own checksum
    assertCached(rawSum);
    assertCached(qcowSum);
    // nothing else beside the outputs: no temporary or decompressed file
    assertThat(TestImages.listFiles(out))
        .allMatch(
            f -> f.endsWith(".qcow2") || f.endsWith(".gen-vm-image.json") || f.equals("SHA256SUMS"))
        .contains("raw.qcow2", "qcow.qcow2", "old.qcow2");
  }

  private static String suffix(Codec codec) {
    return switch (codec) {
      case XZ -> ".xz";
      case GZIP -> ".gz";
      case BZIP2 -> ".bz2";
      case ZSTD -> ".zst";
    };
  }

  @Test
  void theContentDecidesNotTheName() throws Exception {
    Path raw = rawDisk("disk.raw", 4 * MIB, 4);
    Path qcow = TestImages.qcow2(dir, "disk.qcow2", 2 * MIB, 5, "1.1");
    // an ".xz" that is gzip, and a zstd file without any extension
    String lyingSum = serveCompressed(raw, Codec.GZIP, "/lies/Fedora-Cloud-Base.raw.xz");
    String bareSum = serveCompressed(qcow, Codec.ZSTD, "/bare/image");
    Path arch =
        architecture(
            image("lying", server.uri("/lies/Fedora-Cloud-Base.raw.xz").toString(), lyingSum, "8M")
                + image("bare", server.uri("/bare/image").toString(), bareSum, "8M"));
    String[] args = {
      "--architecture-path", arch.toString(),
      "--image-output-path", out.resolve("image.qcow2").toString(),
      "--output", "json"
    };

    // before the download, the plan can only go by the name
    Result before = run(append(args, "--dry-run"));
    assertThat(before.exit()).as(before.err()).isZero();
    JsonNode lyingPlan = before.json().path("images").get(0);
    assertThat(lyingPlan.path("source_compression").asText()).isEqualTo("xz");
    assertThat(lyingPlan.path("plan").path("compression_from").asText()).isEqualTo("name");
    assertThat(before.json().path("images").get(1).path("source_compression").isNull()).isTrue();

    Result built = run(args);
    assertThat(built.exit()).as(built.err()).isZero();
    assertThat(built.json().path("images").get(0).path("source_compression").asText())
        .isEqualTo("gzip");
    assertThat(built.json().path("images").get(1).path("source_compression").asText())
        .isEqualTo("zstd");
    assertSameContent(raw, out.resolve("lying.qcow2"));
    assertSameContent(qcow, out.resolve("bare.qcow2"));

    // from the cache, the plan goes by the content, writes nothing, and prints the step
    Path other = dir.resolve("other");
    List<String> files = TestImages.listFiles(dir);
    Result cached =
        run(
            "--architecture-path",
            arch.toString(),
            "--image-output-path",
            other.resolve("image.qcow2").toString(),
            "--dry-run");
    assertThat(cached.exit()).as(cached.err()).isZero();
    assertThat(TestImages.listFiles(dir)).isEqualTo(files);
    assertThat(cached.out())
        .contains("decompress (gzip) into " + other.resolve(".lying.qcow2.<random>.tmp.unpacked"))
        .contains("decompress (zstd) into " + other.resolve(".bare.qcow2.<random>.tmp.unpacked"))
        .doesNotContain("going by the file name");
  }

  @Test
  void concatenatedGzipMembersAreOneImage() throws Exception {
    Path raw = rawDisk("disk.raw", 4 * MIB, 6);
    byte[] bytes = Files.readAllBytes(raw);
    ByteArrayOutputStream members = new ByteArrayOutputStream();
    int cut = MIB / 2 + 17;
    members.write(Compressed.compress(Arrays.copyOfRange(bytes, 0, cut), Codec.GZIP));
    members.write(Compressed.compress(Arrays.copyOfRange(bytes, cut, bytes.length), Codec.GZIP));
    server.serve("/disk.img.gz", members.toByteArray());
    Path arch =
        architecture(
            image(
                "multi",
                server.uri("/disk.img.gz").toString(),
                TestHttpServer.sha256(members.toByteArray()),
                "4M"));

    Result r =
        run(
            "--architecture-path",
            arch.toString(),
            "--image-output-path",
            out.resolve("image.qcow2").toString());

    assertThat(r.exit()).as(r.err()).isZero();
    assertSameContent(raw, out.resolve("image.qcow2"));
    assertThat(TestImages.info(out.resolve("image.qcow2")).path("virtual-size").asLong())
        .isEqualTo(4L * MIB);
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void aTruncatedOrCorruptStreamIsExit6AndLeavesTheOutputAsItWas(Codec codec) throws Exception {
    Path raw = TestImages.raw(dir, "disk.raw", 2 * MIB, 7);
    byte[] compressed = Compressed.compress(Files.readAllBytes(raw), codec);
    byte[] truncated = Arrays.copyOf(compressed, compressed.length * 2 / 3);
    byte[] corrupt = compressed.clone();
    for (int i = compressed.length / 2; i < compressed.length / 2 + 32; i++) {
      corrupt[i] ^= 0x33;
    }
    for (byte[] bad : List.of(truncated, corrupt)) {
      server.serve("/bad" + suffix(codec), bad);
      Path output = out.resolve("image.qcow2");
      Files.createDirectories(out);
      Files.writeString(output, "the previous image");
      Path arch =
          architecture(
              image(
                  "bad",
                  server.uri("/bad" + suffix(codec)).toString(),
                  TestHttpServer.sha256(bad),
                  "4M"));

      Result r =
          run(
              "--architecture-path",
              arch.toString(),
              "--image-output-path",
              output.toString(),
              "--overwrite");

      assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.TOOL_FAILED.code());
      assertThat(r.err())
          .contains(TestHttpServer.sha256(bad))
          .contains("not a usable compressed disk image: " + codec.label() + ": ");
      assertThat(Files.readString(output)).isEqualTo("the previous image");
      assertThat(TestImages.listFiles(out)).containsExactly("image.qcow2");
    }
  }

  private void assertCached(String sha256) throws IOException {
    List<String> entries =
        TestImages.listFiles(cache).stream().filter(f -> f.endsWith(sha256)).toList();
    assertThat(entries).hasSize(1);
    byte[] entry = Files.readAllBytes(cache.resolve(entries.get(0)));
    assertThat(TestHttpServer.sha256(entry)).isEqualTo(sha256);
  }

  /** {@code qemu-img compare}: the same guest-visible content (the output may be larger). */
  private static void assertSameContent(Path source, Path output) throws IOException {
    assertThat(TestImages.run("qemu-img", "compare", source.toString(), output.toString()))
        .contains("Images are identical");
  }

  private static String[] append(String[] args, String more) {
    String[] all = Arrays.copyOf(args, args.length + 1);
    all[args.length] = more;
    return all;
  }
}
