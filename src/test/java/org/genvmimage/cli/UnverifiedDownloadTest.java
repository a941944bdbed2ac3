package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.genvmimage.cli.CliRun.Result;
import org.genvmimage.download.Digest;
import org.genvmimage.download.DownloadCache;
import org.genvmimage.download.TestHttpServer;
import org.genvmimage.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An image given by {@code input.url} without a checksum, as the upstream project's
 * examples/download-cloud-image-example.yml gives it: built with a warning, cached under the digest
 * of the bytes received, reported as not verified, and downloaded again on every run to tell
 * whether the server's file changed.
 */
class UnverifiedDownloadTest {
  private static final int MIB = 1 << 20;
  private static final String WARNING =
      "architecture.yml:9: images.image-1.input.url has no checksum: the download is not verified"
          + " (give input.checksum)";

  @TempDir Path dir;
  TestHttpServer server;
  Path cache;
  Path output;

  @BeforeEach
  void start() {
    server = TestHttpServer.start();
    cache = dir.resolve("cache");
    output = dir.resolve("out").resolve("image-1.qcow2");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** The upstream example, with this server's URL (or mirror list) and a small size. */
  private Path example(String url) throws IOException {
    Path file = dir.resolve("architecture.yml");
    Files.writeString(
        file,
        """
        owner: the-owner-name
        images:
          image-1:
            name: rocky
            version: 9.4
            format: qcow2
            size: 8M
            input:
              url: %s
              format: qcow2
        """
            .formatted(url));
    return file;
  }

  private Result run(Path arch, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--retries",
                "1",
                "--cache-dir",
                cache.toString(),
                "--architecture-path",
                arch.toString(),
                "--image-output-path",
                output.toString()));
    args.addAll(List.of(more));
    return CliRun.gen(args.toArray(String[]::new));
  }

  private static int count(String text, String part) {
    int n = 0;
    for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
      n++;
    }
    return n;
  }

  private List<Path> cacheFiles() throws IOException {
    if (!Files.isDirectory(cache)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(cache)) {
      return files.filter(Files::isRegularFile).toList();
    }
  }

  @Test
  void buildsWarnsReportsUnverifiedAndRebuildsOnlyWhenTheBytesChange() throws Exception {
    byte[] first = Files.readAllBytes(TestImages.qcow2(dir, "a.qcow2", MIB, 31, "1.1"));
    TestHttpServer.Resource file = server.serve("/rocky/Rocky-9-GenericCloud.qcow2", first);
    Path arch = example(server.uri("/rocky/Rocky-9-GenericCloud.qcow2").toString());
    String sum = TestHttpServer.sha256(first);

    Result built = run(arch, "--output", "json");
    assertThat(built.exit()).as(built.err()).isZero();
    assertThat(count(built.err(), WARNING)).as(built.err()).isEqualTo(1);
    JsonNode image = built.json().path("images").get(0);
    assertThat(image.path("status").asText()).isEqualTo("built");
    assertThat(image.path("checksum").path("type").asText()).isEqualTo("sha256");
    assertThat(image.path("checksum").path("value").asText()).isEqualTo(sum);
    assertThat(image.path("checksum").path("verified").isBoolean()).isTrue();
    assertThat(image.path("checksum").path("verified").asBoolean()).isFalse();
    Path entry = new DownloadCache(cache).entryPath(new Digest("sha256", sum));
    assertThat(entry).exists();
    assertThat(TestHttpServer.sha256(Files.readAllBytes(entry))).isEqualTo(sum);
    assertThat(cacheFiles()).noneMatch(p -> p.toString().endsWith(".part"));
    assertThat(TestImages.info(output).path("virtual-size").asLong()).isEqualTo(8L * MIB);

    // the same bytes: downloaded again, found the same, the output left alone (a text run warns
    // too)
    long stamped = Files.getLastModifiedTime(output).toMillis();
    Result same = run(arch, "--output", "json");
    assertThat(same.exit()).as(same.err()).isZero();
    assertThat(count(same.err(), WARNING)).isEqualTo(1);
    assertThat(same.json().path("images").get(0).path("status").asText()).isEqualTo("up_to_date");
    assertThat(file.requestCount()).isEqualTo(2);
    assertThat(Files.getLastModifiedTime(output).toMillis()).isEqualTo(stamped);

    // other bytes under the same URL: blocked without --overwrite, as for any changed input
    byte[] second = Files.readAllBytes(TestImages.qcow2(dir, "b.qcow2", MIB, 32, "1.1"));
    file.content(second);
    String sum2 = TestHttpServer.sha256(second);
    Result blocked = run(arch);
    assertThat(blocked.exit()).as(blocked.err()).isEqualTo(8);
    assertThat(blocked.err()).contains("--overwrite");
    assertThat(Files.getLastModifiedTime(output).toMillis()).isEqualTo(stamped);

    Result rebuilt = run(arch, "--overwrite", "--output", "json");
    assertThat(rebuilt.exit()).as(rebuilt.err()).isZero();
    JsonNode again = rebuilt.json().path("images").get(0);
    assertThat(again.path("status").asText()).isEqualTo("built");
    assertThat(again.path("checksum").path("value").asText()).isEqualTo(sum2);
    assertThat(new DownloadCache(cache).entryPath(new Digest("sha256", sum2))).exists();
    assertThat(cacheFiles()).noneMatch(p -> p.toString().endsWith(".part"));
  }

  @Test
  void requireSignaturesRefusesItBeforeAnyDownload() throws Exception {
    server.serve("/img.qcow2", TestHttpServer.randomBytes(MIB, 33));
    Path arch = example(server.uri("/img.qcow2").toString());

    Result refused = run(arch, "--require-signatures");

    assertThat(refused.exit()).as(refused.err()).isEqualTo(3);
    assertThat(refused.err())
        .contains("--require-signatures: no checksum.signed_by for image image-1");
    assertThat(server.requests()).isEmpty();
    assertThat(output.getParent()).doesNotExist();
  }

  @Test
  void aDryRunSaysItIsNotVerifiedAndWritesNothing() throws Exception {
    byte[] bytes = Files.readAllBytes(TestImages.qcow2(dir, "a.qcow2", MIB, 34, "1.1"));
    server.serve("/img.qcow2", bytes);
    Path arch = example(server.uri("/img.qcow2").toString());

    Result text = run(arch, "--dry-run");
    assertThat(text.exit()).as(text.err()).isZero();
    assertThat(text.out()).contains("checksum  not verified: no checksum given");
    assertThat(count(text.err(), WARNING)).isEqualTo(1);

    Result json = run(arch, "--dry-run", "--output", "json");
    assertThat(json.exit()).as(json.err()).isZero();
    JsonNode checksum = json.json().path("images").get(0).path("checksum");
    assertThat(checksum.path("verified").asBoolean(true)).isFalse();
    assertThat(checksum.path("value").isNull()).isTrue();

    assertThat(server.requests()).isEmpty();
    assertThat(output.getParent()).doesNotExist();
    assertThat(cacheFiles()).isEmpty();
  }

  @Test
  void aMirrorListWithoutAChecksumTriesTheNextMirror() throws Exception {
    byte[] bytes = Files.readAllBytes(TestImages.qcow2(dir, "a.qcow2", MIB, 35, "1.1"));
    server.status("/gone/img.qcow2", 404);
    server.serve("/ok/img.qcow2", bytes);
    Path file = dir.resolve("architecture.yml");
    Files.writeString(
        file,
        """
        owner: o
        images:
          image-1:
            name: rocky
            size: 8M
            input:
              url:
                - %s
                - %s
        """
            .formatted(server.uri("/gone/img.qcow2"), server.uri("/ok/img.qcow2")));

    Result built = run(file, "--output", "json");

    assertThat(built.exit()).as(built.err()).isZero();
    assertThat(built.err())
        .contains("architecture.yml:7: images.image-1.input.url has no checksum");
    assertThat(built.err()).contains("trying the next mirror");
    JsonNode checksum = built.json().path("images").get(0).path("checksum");
    assertThat(checksum.path("value").asText()).isEqualTo(TestHttpServer.sha256(bytes));
    assertThat(checksum.path("verified").asBoolean(true)).isFalse();
    assertThat(
            new DownloadCache(cache).entryPath(new Digest("sha256", TestHttpServer.sha256(bytes))))
        .exists();
  }
}
