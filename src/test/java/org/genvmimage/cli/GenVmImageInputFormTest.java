package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.genvmimage.cli.CliRun.Result;
import org.genvmimage.core.ExitCode;
import org.genvmimage.download.TestHttpServer;
import org.genvmimage.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gen-vm-image with the newer form of the architecture file (input, output, format) and with mirror
 * lists, end to end: a loopback HTTP server, the real qemu-img, real files.
 */
class GenVmImageInputFormTest {
  static final long MIB = 1024 * 1024;
  static final ObjectMapper JSON = new ObjectMapper();

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

  Path architecture(String yaml) throws IOException {
    return Files.writeString(dir.resolve("architecture.yml"), yaml);
  }

  String refusing() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return "http://127.0.0.1:" + socket.getLocalPort() + "/base.qcow2";
    }
  }

  @Test
  void buildsFromAUrlWithMirrorsALocalPathAndABlankDiskAndARerunIsUpToDate() throws Exception {
    Path qcow = TestImages.qcow2(dir, "base.qcow2", (int) (4 * MIB), 1, "1.1");
    byte[] bytes = Files.readAllBytes(qcow);
    String sum = TestHttpServer.sha256(bytes);
    server.status("/gone/base.qcow2", 404);
    server.serve("/mirror/base.qcow2", bytes);
    Path raw =
        TestImages.raw(
            Files.createDirectories(dir.resolve("images")), "local.img", (int) (3 * MIB), 2);
    String rawSum = TestHttpServer.sha256(Files.readAllBytes(raw));
    Path custom = dir.resolve("custom").resolve("blank.qcow2");
    Path arch =
        architecture(
            """
            owner: ucphhpc
            images:
              remote:
                name: rocky
                version: 9.4
                format: qcow2
                size: 64M
                input:
                  url: [%s, %s, %s]
                  format: qcow2
                  checksum: {type: sha256, value: %s}
              checked:
                name: local
                size: 32M
                input:
                  path: images/local.img
                  checksum: {type: sha256, value: %s}
              unchecked:
                name: local
                size: 32M
                input:
                  path: images/local.img
                  format: raw
              blank:
                name: blank
                size: 16M
                output:
                  path: %s
                  format: qcow2
            """
                .formatted(
                    refusing(),
                    server.uri("/gone/base.qcow2"),
                    server.uri("/mirror/base.qcow2"),
                    sum,
                    rawSum,
                    custom));

    Result r =
        run(
            "--architecture-path",
            arch.toString(),
            "--image-output-path",
            out.toString() + "/",
            "--output",
            "json");

    assertThat(r.exit()).as(r.err()).isZero();
    assertImage(out.resolve("remote.qcow2"), 64 * MIB);
    assertImage(out.resolve("checked.qcow2"), 32 * MIB);
    assertImage(out.resolve("unchecked.qcow2"), 32 * MIB);
    assertImage(custom, 16 * MIB);
    assertThat(out.resolve("blank.qcow2")).doesNotExist();
    assertThat(server.requests("/mirror/base.qcow2")).hasSize(1);
    assertThat(r.err()).contains("trying the next mirror");

    JsonNode images = JSON.readTree(r.out()).get("images");
    JsonNode remote = images.get(0);
    assertThat(remote.get("source_url").asText())
        .isEqualTo(server.uri("/mirror/base.qcow2").toString());
    assertThat(remote.get("mirrors")).hasSize(3);
    JsonNode unchecked = images.get(2);
    assertThat(unchecked.get("checksum").get("value").asText()).isEqualTo(rawSum);
    JsonNode blank = images.get(3);
    assertThat(blank.get("output_path").asText()).isEqualTo(custom.toString());
    assertThat(blank.get("source_url").isNull()).isTrue();
    assertThat(blank.get("checksum").isNull()).isTrue();

    int requests = server.requests().size();
    Result again =
        run("--architecture-path", arch.toString(), "--image-output-path", out.toString() + "/");
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.out())
        .containsPattern("remote +up to date")
        .containsPattern("checked +up to date")
        .containsPattern("unchecked +up to date")
        .containsPattern("blank +up to date +" + custom);
    assertThat(server.requests()).hasSize(requests);
  }

  @Test
  void aChangedBlankSizeOrLocalFileIsNotUpToDate() throws Exception {
    Path raw = TestImages.raw(dir, "local.img", (int) (2 * MIB), 3);
    String yaml =
        """
        owner: o
        images:
          blank: {name: b, size: %s}
          local: {name: l, size: 8M, input: {path: local.img}}
        """;
    Path arch = architecture(yaml.formatted("16M"));
    String[] args = {"--architecture-path", arch.toString(), "--image-output-path", out + "/"};
    assertThat(run(args).exit()).isZero();

    architecture(yaml.formatted("24M"));
    TestImages.raw(dir, "local.img", (int) (2 * MIB), 4);
    Result r = run(args);

    assertThat(r.exit()).isEqualTo(ExitCode.OUTPUT_EXISTS.code());
    assertThat(r.err()).contains("blank.qcow2: exists and was not built").contains("local.qcow2");
  }

  @Test
  void aTextDryRunListsABlankDiskAndALocalFileAndChangesNothing() throws Exception {
    TestImages.raw(dir, "local.img", (int) (2 * MIB), 6);
    Path arch =
        architecture(
            "owner: o\nimages:\n  blank: {name: b, size: 16M}\n"
                + "  local: {name: l, size: 8M, input: {path: local.img}}\n");
    String[] args = {"--architecture-path", arch.toString(), "--image-output-path", out + "/"};

    Result planned = run(append(args, "--dry-run"));

    assertThat(planned.exit()).as(planned.err()).isZero();
    assertThat(planned.out()).contains("blank: would create").contains("local: would create");
    assertThat(out).doesNotExist();

    assertThat(run(args).exit()).isZero();
    Result again = run(append(args, "--dry-run"));
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.out()).contains("blank: up to date").contains("local: up to date");
  }

  private static String[] append(String[] args, String more) {
    String[] all = java.util.Arrays.copyOf(args, args.length + 1);
    all[args.length] = more;
    return all;
  }

  @Test
  void aBaseImageOfAnotherFormatThanInputFormatFails() throws Exception {
    TestImages.raw(dir, "disk.img", (int) MIB, 5);
    Path arch =
        architecture(
            "owner: o\nimages:\n  x:\n    name: x\n    size: 8M\n    input:\n"
                + "      path: disk.img\n      format: qcow2\n");

    Result r = run("--architecture-path", arch.toString(), "--image-output-path", out + "/");

    assertThat(r.exit()).isEqualTo(ExitCode.TOOL_FAILED.code());
    assertThat(r.err()).contains("disk.img: is raw, not qcow2 as images.x.input.format");
    assertThat(out.resolve("x.qcow2")).doesNotExist();
  }

  @Test
  void aFormatThisVersionDoesNotWriteIsReportedBeforeAnyDownload() throws Exception {
    server.serve("/base.qcow2", new byte[] {1, 2, 3});
    Path arch =
        architecture(
            "owner: o\nimages:\n  x:\n    name: x\n    size: 8M\n    format: vdi\n    input:\n"
                + "      url: "
                + server.uri("/base.qcow2")
                + "\n      checksum: {type: sha256, value: "
                + TestHttpServer.sha256(new byte[] {1, 2, 3})
                + "}\n");

    Result r = run("--architecture-path", arch.toString(), "--image-output-path", out + "/");

    assertThat(r.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(r.err())
        .contains(
            arch
                + ":6:13: images.x.format: format 'vdi' is not written by this version (it"
                + " writes: qcow2, raw, vmdk, vhdx, vpc; vhd means vpc)");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void whenEveryMirrorFailsOneLineNamesEachAndTheDryRunListsThem() throws Exception {
    server.status("/a/base.qcow2", 500);
    server.status("/b/base.qcow2", 404);
    String refused = refusing();
    Path arch =
        architecture(
            "owner: o\nimages:\n  x:\n    name: x\n    version: 1\n    get_url:\n"
                + "      - "
                + refused
                + "\n      - "
                + server.uri("/a/base.qcow2")
                + "\n      - "
                + server.uri("/b/base.qcow2")
                + "\n    checksum: {type: sha256, value: "
                + "0".repeat(64)
                + "}\n    size: 8M\n");
    String[] args = {"--architecture-path", arch.toString(), "--image-output-path", out + "/"};

    Result plan = run(concat(args, "--dry-run"));
    assertThat(plan.exit()).as(plan.err()).isZero();
    assertThat(plan.out())
        .containsSubsequence(
            "  mirrors   " + refused,
            "            " + server.uri("/a/base.qcow2"),
            "            " + server.uri("/b/base.qcow2"));

    Result r = run(args);
    assertThat(r.exit()).isEqualTo(ExitCode.DOWNLOAD_FAILED.code());
    String line =
        r.err().lines().filter(l -> l.contains("every mirror failed")).findFirst().orElseThrow();
    assertThat(line)
        .contains(refused + ": ")
        .contains(server.uri("/a/base.qcow2") + ": HTTP 500")
        .contains(server.uri("/b/base.qcow2") + ": HTTP 404");
    assertThat(server.requests("/a/base.qcow2")).hasSize(1);
  }

  static String[] concat(String[] args, String more) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add(more);
    return all.toArray(String[]::new);
  }

  static void assertImage(Path file, long virtualSize) throws IOException {
    var info = TestImages.info(file);
    assertThat(info.get("format").asText()).isEqualTo("qcow2");
    assertThat(info.get("virtual-size").asLong()).isEqualTo(virtualSize);
  }
}
