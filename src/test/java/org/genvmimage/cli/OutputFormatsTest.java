package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * gen-vm-image writing each output format (qcow2, raw, vmdk, vhdx, vpc) from one base image, end to
 * end: a loopback HTTP server, the real qemu-img, real files.
 */
class OutputFormatsTest {
  static final long MIB = 1024 * 1024;

  /** Not a whole number of VHD cylinders (16 heads, 63 sectors): vpc would round it. */
  static final long SIZE = 100 * MIB;

  @TempDir Path dir;
  TestHttpServer server;
  Path cache;
  Path out;

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

  Result run(String... args) {
    return CliRun.genWithCache(cache, args);
  }

  @Test
  void everyFormatIsBuiltWithTheExactSizeAndTheSameContentAndARerunIsUpToDate() throws Exception {
    byte[] bytes =
        Files.readAllBytes(TestImages.qcow2(dir, "base.qcow2", (int) (4 * MIB), 7, "1.1"));
    server.serve("/base.qcow2", bytes);
    String input =
        "{url: %s, checksum: {type: sha256, value: %s}}"
            .formatted(server.uri("/base.qcow2"), TestHttpServer.sha256(bytes));
    Path arch =
        Files.writeString(
            dir.resolve("architecture.yml"),
            """
            owner: o
            images:
              q: {name: q, size: 100M, input: %1$s}
              r: {name: r, size: 100M, format: raw, input: %1$s}
              m: {name: m, size: 100M, output: {format: vmdk}, input: %1$s}
              x: {name: x, size: 100M, format: VHDX, input: %1$s}
              v: {name: v, size: 100M, format: vhd, output: {format: vpc}, input: %1$s}
            """
                .formatted(input));
    String[] args = {
      "--architecture-path", arch.toString(), "--image-output-path", out + "/", "--output", "json"
    };

    Result r = run(args);

    assertThat(r.exit()).as(r.err()).isZero();
    Map<String, String> formats =
        Map.of(
            "q.qcow2", "qcow2", "r.raw", "raw", "m.vmdk", "vmdk", "x.vhdx", "vhdx", "v.vhd", "vpc");
    Path qcow2 = out.resolve("q.qcow2");
    for (Map.Entry<String, String> e : formats.entrySet()) {
      Path image = out.resolve(e.getKey());
      JsonNode info = TestImages.info(image);
      assertThat(info.path("format").asText()).as(e.getKey()).isEqualTo(e.getValue());
      assertThat(info.path("virtual-size").asLong()).as(e.getKey()).isEqualTo(SIZE);
      // exit 0: same content (exit 1 would be a difference, and fails the run)
      TestImages.run(
          "qemu-img",
          "compare",
          "-f",
          "qcow2",
          "-F",
          e.getValue(),
          qcow2.toString(),
          image.toString());
    }
    assertThat(TestImages.listFiles(out))
        .filteredOn(name -> !name.startsWith(".") && !name.equals("SHA256SUMS"))
        .containsExactlyInAnyOrderElementsOf(formats.keySet());
    assertThat(TestImages.listFiles(out)).filteredOn(name -> name.endsWith(".tmp")).isEmpty();
    // sparse: the 100 MiB raw image holds about the 4 MiB of data
    assertThat(TestImages.info(out.resolve("r.raw")).path("actual-size").asLong())
        .isLessThan(SIZE / 4);

    JsonNode images = r.json().path("images");
    assertThat(images).hasSize(5);
    for (JsonNode image : images) {
      String name = Path.of(image.path("output_path").asText()).getFileName().toString();
      assertThat(image.path("format").asText()).as(name).isEqualTo(formats.get(name));
      assertThat(image.path("virtual_size").asLong()).as(name).isEqualTo(SIZE);
    }

    Result again = run(args);
    assertThat(again.exit()).as(again.err()).isZero();
    for (JsonNode image : again.json().path("images")) {
      assertThat(image.path("status").asText())
          .as(image.path("key").asText())
          .isEqualTo("up_to_date");
    }
  }

  @Test
  void aRawBaseImageBecomesASparseRawOutputAndAVpcOutputAtTheExactSize() throws Exception {
    Path base = TestImages.raw(dir, "local.img", (int) (3 * MIB), 9);
    Path arch =
        Files.writeString(
            dir.resolve("architecture.yml"),
            """
            owner: o
            images:
              r: {name: r, size: 100M, format: raw, input: {path: local.img}}
              v: {name: v, size: 100M, format: vpc, input: {path: local.img}}
            """);
    String[] args = {"--architecture-path", arch.toString(), "--image-output-path", out + "/"};

    Result r = run(args);

    assertThat(r.exit()).as(r.err()).isZero();
    for (String name : List.of("r.raw", "v.vhd")) {
      Path image = out.resolve(name);
      assertThat(TestImages.info(image).path("virtual-size").asLong()).as(name).isEqualTo(SIZE);
      TestImages.run("qemu-img", "compare", "-f", "raw", base.toString(), image.toString());
    }
    assertThat(TestImages.info(out.resolve("r.raw")).path("actual-size").asLong())
        .isLessThan(SIZE / 4);
    Result again = run(args);
    assertThat(again.out()).containsPattern("r +up to date").containsPattern("v +up to date");
  }

  @Test
  void aFormatChangeIsNotUpToDateAndOverwriteReplacesTheImage() throws Exception {
    TestImages.raw(dir, "local.img", (int) (2 * MIB), 3);
    Path output = out.resolve("disk.img");
    String yaml =
        "owner: o\nimages:\n  d: {name: d, size: 16M, format: %s, input: {path: local.img}}\n";
    Path arch = Files.writeString(dir.resolve("architecture.yml"), yaml.formatted("qcow2"));
    String[] args = {
      "--architecture-path", arch.toString(), "--image-output-path", output.toString()
    };
    assertThat(run(args).exit()).isZero();
    assertThat(TestImages.info(output).path("format").asText()).isEqualTo("qcow2");

    Files.writeString(arch, yaml.formatted("vmdk"));
    Result refused = run(args);
    assertThat(refused.exit()).isEqualTo(ExitCode.OUTPUT_EXISTS.code());
    assertThat(TestImages.info(output).path("format").asText()).isEqualTo("qcow2");

    Result replaced = run(append(args, "--overwrite"));
    assertThat(replaced.exit()).as(replaced.err()).isZero();
    // a one-image file keeps the exact path the user gave
    assertThat(TestImages.info(output).path("format").asText()).isEqualTo("vmdk");
    assertThat(run(args).out()).containsPattern("d +up to date");
  }

  @Test
  void anUnknownFormatIsAnArchitectureErrorAtItsPositionListingTheChoices() throws Exception {
    Path arch =
        Files.writeString(
            dir.resolve("architecture.yml"),
            "owner: o\nimages:\n  d: {name: d, size: 16M, format: vdi}\n");

    Result r = run("--architecture-path", arch.toString(), "--image-output-path", out + "/");

    assertThat(r.exit()).isEqualTo(3);
    assertThat(r.err())
        .contains(arch + ":3:")
        .contains("images.d.format")
        .contains("qcow2, raw, vmdk, vhdx, vpc");
    assertThat(out).doesNotExist();
  }

  @Test
  void aDryRunShowsTheLastConversion() throws Exception {
    TestImages.raw(dir, "local.img", (int) (2 * MIB), 5);
    Path arch =
        Files.writeString(
            dir.resolve("architecture.yml"),
            "owner: o\nimages:\n  d: {name: d, size: 16M, format: vhdx, input: {path: local.img}}\n");

    Result r =
        run("--architecture-path", arch.toString(), "--image-output-path", out + "/", "--dry-run");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).contains("-O vhdx").contains("resize -f qcow2");
    assertThat(out).doesNotExist();
  }

  static String[] append(String[] args, String... more) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }
}
