package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.genvmimage.cli.CliRun.Result;
import org.genvmimage.core.ExitCode;
import org.genvmimage.download.TestHttpServer;
import org.genvmimage.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every output format, subformat and compression from one base image and one architecture file, end
 * to end: a loopback HTTP server, the real qemu-img, real files. The base image is text, which
 * compresses well, as an installed system's files do.
 */
class OutputOptionsTest {
  static final long MIB = 1024 * 1024;

  /**
   * Larger than the base image (so it is grown before the last conversion), and not a whole number
   * of VHD cylinders (so a vpc without force_size would be rounded).
   */
  static final long SIZE = 100 * MIB;

  @TempDir Path dir;
  TestHttpServer server;
  Path cache;
  Path out;
  Path base;
  String input;

  @BeforeEach
  void start() throws Exception {
    server = TestHttpServer.start();
    cache = dir.resolve("cache");
    out = dir.resolve("out");
    base = TestImages.text(dir, "base.raw", (int) (24 * MIB));
    byte[] bytes = Files.readAllBytes(base);
    server.serve("/base.raw", bytes);
    input =
        "{url: %s, checksum: {type: sha256, value: %s}}"
            .formatted(server.uri("/base.raw"), TestHttpServer.sha256(bytes));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  Result run(String... args) {
    return CliRun.genWithCache(cache, args);
  }

  Path architecture(String images) throws Exception {
    return Files.writeString(
        dir.resolve("architecture.yml"), "owner: o\nimages:\n" + images.formatted(input));
  }

  @Test
  void everyFormatAndCompressionHoldsTheBaseImageAndTheCompressedOnesAreSmaller() throws Exception {
    Path arch =
        architecture(
            """
              q: {name: q, size: 100M, input: %1$s}
              r: {name: r, size: 100M, format: raw, input: %1$s}
              m: {name: m, size: 100M, format: vmdk, input: %1$s}
              x: {name: x, size: 100M, format: vhdx, input: %1$s}
              v: {name: v, size: 100M, format: vpc, input: %1$s}
              z: {name: z, size: 100M, compression: zstd, input: %1$s}
              l: {name: l, size: 100M, output: {format: qcow2, compression: ZLIB}, input: %1$s}
              s: {name: s, size: 100M, format: vmdk, subformat: streamOptimized, input: %1$s}
              a: {name: a, size: 100M, format: vhd, output: {subformat: fixed}, input: %1$s}
            """);
    String[] args = {
      "--architecture-path", arch.toString(), "--image-output-path", out + "/", "--output", "json"
    };

    Result r = run(args);

    assertThat(r.exit()).as(r.err()).isZero();
    Map<String, String> formats = new LinkedHashMap<>();
    formats.put("q.qcow2", "qcow2");
    formats.put("r.raw", "raw");
    formats.put("m.vmdk", "vmdk");
    formats.put("x.vhdx", "vhdx");
    formats.put("v.vhd", "vpc");
    formats.put("z.qcow2", "qcow2");
    formats.put("l.qcow2", "qcow2");
    formats.put("s.vmdk", "vmdk");
    formats.put("a.vhd", "vpc");
    for (Map.Entry<String, String> e : formats.entrySet()) {
      Path image = out.resolve(e.getKey());
      JsonNode info = info(image, e.getValue());
      assertThat(info.path("format").asText()).as(e.getKey()).isEqualTo(e.getValue());
      assertThat(info.path("virtual-size").asLong()).as(e.getKey()).isEqualTo(SIZE);
      // exit 0: the same content as the base image, then zeros (exit 1 fails the run)
      TestImages.run(
          "qemu-img",
          "compare",
          "-f",
          "raw",
          "-F",
          e.getValue(),
          base.toString(),
          image.toString());
    }
    assertThat(TestImages.listFiles(out))
        .filteredOn(name -> !name.startsWith(".") && !name.equals("SHA256SUMS"))
        .containsExactlyInAnyOrderElementsOf(formats.keySet());
    // the manifest lists every output, and coreutils agrees with it
    assertThat(Files.readAllLines(out.resolve("SHA256SUMS"))).hasSize(formats.size());
    Process sums =
        new ProcessBuilder("sha256sum", "--strict", "-c", "SHA256SUMS")
            .directory(out.toFile())
            .redirectErrorStream(true)
            .start();
    String said = new String(sums.getInputStream().readAllBytes());
    assertThat(sums.waitFor()).as(said).isZero();
    assertThat(TestImages.listFiles(out)).filteredOn(name -> name.endsWith(".tmp")).isEmpty();

    // compressed clusters, of the type asked for, that the resize did not undo
    long plain = Files.size(out.resolve("q.qcow2"));
    for (String name : new String[] {"z.qcow2", "l.qcow2"}) {
      Path image = out.resolve(name);
      assertThat(compressedClusters(image)).as(name).isPositive();
      assertThat(Files.size(image)).as(name).isLessThan(plain / 4);
    }
    assertThat(compressedClusters(out.resolve("q.qcow2"))).isZero();
    assertThat(qcow2Data(out.resolve("z.qcow2")).path("compression-type").asText())
        .isEqualTo("zstd");
    assertThat(qcow2Data(out.resolve("l.qcow2")).path("compression-type").asText())
        .isEqualTo("zlib");
    assertThat(qcow2Data(out.resolve("q.qcow2")).path("compression-type").asText())
        .isEqualTo("zlib"); // qcow2's default type, unused without compressed clusters
    // vmdk: a growing sparse file by default, or the compressed stream for uploads
    assertThat(vmdkType(out.resolve("m.vmdk"))).isEqualTo("monolithicSparse");
    assertThat(vmdkType(out.resolve("s.vmdk"))).isEqualTo("streamOptimized");
    assertThat(Files.size(out.resolve("s.vmdk"))).isLessThan(Files.size(out.resolve("m.vmdk")) / 4);
    // a fixed VHD (Azure) is the disk followed by a 512-byte footer; a dynamic one grows
    assertThat(Files.size(out.resolve("a.vhd"))).isEqualTo(SIZE + 512);
    assertThat(Files.size(out.resolve("v.vhd"))).isLessThan(SIZE / 2);

    Map<String, JsonNode> images = new HashMap<>();
    for (JsonNode image : r.json().path("images")) {
      images.put(image.path("key").asText(), image);
    }
    assertThat(images).hasSize(formats.size());
    for (Map.Entry<String, String> e : formats.entrySet()) {
      Path image = out.resolve(e.getKey());
      JsonNode json = images.get(e.getKey().substring(0, 1));
      assertThat(json.path("format").asText()).as(e.getKey()).isEqualTo(e.getValue());
      assertThat(json.path("virtual_size").asLong()).as(e.getKey()).isEqualTo(SIZE);
      assertThat(json.path("file_size").asLong()).as(e.getKey()).isEqualTo(Files.size(image));
      assertThat(json.path("disk_size").asLong())
          .as(e.getKey())
          .isEqualTo(info(image, e.getValue()).path("actual-size").asLong());
    }
    assertThat(images.get("z").path("compression").asText()).isEqualTo("zstd");
    assertThat(images.get("l").path("compression").asText()).isEqualTo("zlib");
    assertThat(images.get("q").path("compression").isNull()).isTrue();
    assertThat(images.get("q").path("subformat").isNull()).isTrue();
    assertThat(images.get("m").path("subformat").asText()).isEqualTo("monolithicSparse");
    assertThat(images.get("s").path("subformat").asText()).isEqualTo("streamOptimized");
    assertThat(images.get("a").path("subformat").asText()).isEqualTo("fixed");
    assertThat(images.get("v").path("subformat").asText()).isEqualTo("dynamic");
    assertThat(images.get("z").path("disk_size").asLong())
        .isLessThan(images.get("q").path("disk_size").asLong() / 4);

    // a second run finds every output up to date, the fixed VHD too (it probes as raw)
    Result again = run("--architecture-path", arch.toString(), "--image-output-path", out + "/");
    assertThat(again.exit()).as(again.err()).isZero();
    for (String key : images.keySet()) {
      assertThat(again.out()).containsPattern(key + " +up to date +.*on disk");
    }
    assertThat(again.out())
        .containsPattern("z +up to date .*z\\.qcow2 +\\(qcow2 \\(zstd-compressed\\), virtual");
  }

  @Test
  void aCompressionChangeIsAnotherOutputAndTheTextReportGivesTheSizes() throws Exception {
    String yaml = "  d: {name: d, size: 100M, compression: %s, input: %%1$s}\n";
    Path arch = architecture(yaml.formatted("zstd"));
    Path output = out.resolve("disk.qcow2");
    String[] args = {
      "--architecture-path", arch.toString(), "--image-output-path", output.toString()
    };

    Result built = run(args);

    assertThat(built.exit()).as(built.err()).isZero();
    assertThat(built.out())
        .containsPattern(
            "d +built +.*disk\\.qcow2 +\\(downloaded .*; qcow2 \\(zstd-compressed\\), virtual"
                + " 100 MiB, .* on disk, file .*\\)");
    assertThat(qcow2Data(output).path("compression-type").asText()).isEqualTo("zstd");

    Files.writeString(arch, "owner: o\nimages:\n" + yaml.formatted("zlib").formatted(input));
    Result refused = run(args);
    assertThat(refused.exit()).isEqualTo(ExitCode.OUTPUT_EXISTS.code());
    assertThat(qcow2Data(output).path("compression-type").asText()).isEqualTo("zstd");

    Result replaced = run(OutputFormatsTest.append(args, "--overwrite"));
    assertThat(replaced.exit()).as(replaced.err()).isZero();
    assertThat(qcow2Data(output).path("compression-type").asText()).isEqualTo("zlib");
    assertThat(compressedClusters(output)).isPositive();
  }

  @Test
  void aDryRunShowsTheCompressingConversionLastAndReportsTheOutputsOptions() throws Exception {
    Path arch =
        architecture(
            """
              z: {name: z, size: 100M, compression: zstd, input: %1$s}
              a: {name: a, size: 100M, format: vpc, subformat: FIXED, input: %1$s}
            """);
    String[] args = {
      "--architecture-path", arch.toString(), "--image-output-path", out + "/", "--dry-run"
    };

    Result text = run(args);

    assertThat(text.exit()).as(text.err()).isZero();
    assertThat(text.out())
        .contains("format    qcow2 (zstd-compressed)")
        .contains("format    vpc (fixed)")
        .containsPattern(
            "resize -f qcow2 .*\\n.*convert -p -f qcow2 -O qcow2 -c -o"
                + " compat=1.1,compression_type=zstd ")
        .contains("-O vpc -o subformat=fixed,force_size=on")
        .contains("info --output=json -f vpc");
    assertThat(out).doesNotExist();
    assertThat(server.requests("/base.raw")).isEmpty();

    Result json = run(OutputFormatsTest.append(args, "--output", "json"));
    JsonNode z = json.json().path("images").get(0);
    assertThat(z.path("compression").asText()).isEqualTo("zstd");
    assertThat(z.path("format").asText()).isEqualTo("qcow2");
    assertThat(z.path("disk_size").isNull()).isTrue();
    assertThat(z.path("file_size").isNull()).isTrue();
    assertThat(json.json().path("images").get(1).path("subformat").asText()).isEqualTo("fixed");
  }

  @Test
  void aCompressionOrSubformatAFormatDoesNotHaveIsAnErrorBeforeAnyDownload() throws Exception {
    Path arch =
        architecture(
            """
              m: {name: m, size: 100M, format: vmdk, compression: zstd, input: %1$s}
              q: {name: q, size: 100M, compression: lz4, input: %1$s}
              r: {name: r, size: 100M, output: {format: raw, compression: zlib}, input: %1$s}
              s: {name: s, size: 100M, subformat: fixed, input: %1$s}
              v: {name: v, size: 100M, format: vpc, subformat: static, input: %1$s}
              w: {name: w, size: 100M, compression: zstd, output: {compression: zlib}, input: %1$s}
            """);

    Result r = run("--architecture-path", arch.toString(), "--image-output-path", out + "/");

    assertThat(r.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(r.err())
        .contains(
            arch
                + ":3:55: images.m.compression: a vmdk image has no compression (choices: zstd,"
                + " zlib, for a qcow2 image only; a vmdk is compressed as subformat"
                + " streamOptimized)")
        .contains(
            arch
                + ":4:41: images.q.compression: compression 'lz4' is unknown (choices: zstd,"
                + " zlib, for a qcow2 image)")
        .contains(":5:63: images.r.output.compression: a raw image has no compression")
        .contains(
            ":6:39: images.s.subformat: a qcow2 image has no subformat (subformats: vmdk:"
                + " monolithicSparse, streamOptimized; vhdx: dynamic, fixed; vpc: dynamic, fixed;"
                + " a qcow2 image takes compression)")
        .contains(
            ":7:52: images.v.subformat: subformat 'static' is unknown (a vpc image is written as:"
                + " dynamic, fixed)")
        .contains(
            ":8:69: images.w.output.compression: 'zlib' differs from the image's compression 'zstd'");
    assertThat(server.requests()).isEmpty();
    assertThat(out).doesNotExist();
  }

  private static JsonNode info(Path image, String format) throws Exception {
    // a fixed VHD probes as raw: it is read as vpc, as the build reads it
    return new ObjectMapper()
        .readTree(
            TestImages.run("qemu-img", "info", "--output=json", "-f", format, image.toString()));
  }

  private static long compressedClusters(Path image) throws Exception {
    return new ObjectMapper()
        .readTree(TestImages.run("qemu-img", "check", "--output=json", image.toString()))
        .path("compressed-clusters")
        .asLong();
  }

  private static JsonNode qcow2Data(Path image) throws Exception {
    return TestImages.info(image).path("format-specific").path("data");
  }

  private static String vmdkType(Path image) throws Exception {
    return TestImages.info(image).path("format-specific").path("data").path("create-type").asText();
  }
}
