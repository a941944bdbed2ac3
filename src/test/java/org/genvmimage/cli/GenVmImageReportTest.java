package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.genvmimage.cli.CliRun.Result;
import org.genvmimage.core.ExitCode;
import org.genvmimage.download.TestHttpServer;
import org.genvmimage.process.Commands;
import org.genvmimage.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gen-vm-image --output json and --dry-run, end to end: a loopback HTTP server, the real qemu-img,
 * real files; stdout is parsed with jackson.
 */
class GenVmImageReportTest {
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
    List<String> all = new ArrayList<>(List.of("--retries", "2"));
    if (!List.of(args).contains("--cache-dir")) {
      all.addAll(List.of("--cache-dir", cache.toString()));
    }
    all.addAll(List.of(args));
    return CliRun.gen(all.toArray(String[]::new));
  }

  Path architecture(String yaml) throws IOException {
    Path file = dir.resolve("architecture.yml");
    Files.writeString(file, yaml);
    return file;
  }

  static String image(String key, String url, String type, String value, String size) {
    return GenVmImageCommandTest.image(key, url, type, value, size);
  }

  /** Every file and folder below {@code dir}: its content's digest and modification time. */
  static Map<String, String> snapshot(Path dir) throws IOException {
    Map<String, String> tree = new TreeMap<>();
    try (var s = Files.walk(dir)) {
      for (Path p : s.toList()) {
        String key = dir.relativize(p).toString();
        if (Files.isDirectory(p)) {
          tree.put(key + "/", "folder " + Files.getLastModifiedTime(p));
        } else {
          tree.put(
              key,
              TestHttpServer.sha256(Files.readAllBytes(p)) + " " + Files.getLastModifiedTime(p));
        }
      }
    }
    return tree;
  }

  @Test
  void jsonReportsABuildThenUpToDateThenACacheHit() throws Exception {
    Path qcow = TestImages.qcow2(dir, "base.qcow2", (int) (2 * MIB), 11, "1.1");
    byte[] bytes = Files.readAllBytes(qcow);
    server.serve("/img/base.qcow2", bytes);
    String sum = TestHttpServer.sha256(bytes);
    String url = server.uri("/img/base.qcow2").toString();
    Path arch = architecture("owner: t\nimages:\n" + image("deb", url, "sha256", sum, "8M"));
    Path output = out.resolve("image.qcow2");
    String[] args = {
      "--architecture-path",
      arch.toString(),
      "--image-output-path",
      output.toString(),
      "--output",
      "json"
    };

    Result first = run(args);
    assertThat(first.exit()).as(first.err()).isZero();
    JsonNode doc = first.json();
    assertThat(doc.path("command").asText()).isEqualTo("gen-vm-image");
    assertThat(doc.path("version").asText()).isEqualTo(VersionProvider.version());
    assertThat(doc.path("status").asText()).isEqualTo("ok");
    assertThat(doc.path("exit_code").asInt(-1)).isZero();
    assertThat(doc.path("dry_run").asBoolean(true)).isFalse();
    assertThat(doc.path("error").isNull()).isTrue();
    assertThat(doc.path("architecture_path").asText()).isEqualTo(arch.toString());
    assertThat(doc.path("images")).hasSize(1);
    JsonNode img = doc.path("images").get(0);
    assertThat(img.path("key").asText()).isEqualTo("deb");
    assertThat(img.path("name").asText()).isEqualTo("deb");
    assertThat(img.path("version").asText()).isEqualTo("1");
    assertThat(img.path("output_path").asText()).isEqualTo(output.toString());
    assertThat(img.path("source_url").asText()).isEqualTo(url);
    assertThat(img.path("checksum").path("type").asText()).isEqualTo("sha256");
    assertThat(img.path("checksum").path("value").asText()).isEqualTo(sum);
    assertThat(img.path("checksum").path("sums_file").isNull()).isTrue();
    assertThat(img.path("cache_hit").asBoolean(true)).isFalse();
    assertThat(img.path("bytes_downloaded").asLong()).isEqualTo(bytes.length);
    assertThat(img.path("format").asText()).isEqualTo("qcow2");
    assertThat(img.path("virtual_size").asLong())
        .isEqualTo(TestImages.info(output).path("virtual-size").asLong())
        .isEqualTo(8 * MIB);
    assertThat(img.path("seconds").isNumber()).isTrue();
    assertThat(img.path("seconds").asDouble()).isPositive();
    assertThat(img.path("status").asText()).isEqualTo("built");
    assertThat(img.path("exit_code").asInt(-1)).isZero();
    assertThat(img.path("error").isNull()).isTrue();
    assertThat(img.has("plan")).isFalse();
    assertThat(first.err()).contains("downloading");

    Result again = run(args);
    assertThat(again.exit()).as(again.err()).isZero();
    JsonNode same = again.json().path("images").get(0);
    assertThat(same.path("status").asText()).isEqualTo("up_to_date");
    assertThat(same.path("cache_hit").asBoolean(true)).isFalse();
    assertThat(same.path("bytes_downloaded").asLong()).isZero();
    assertThat(same.path("virtual_size").asLong()).isEqualTo(8 * MIB);
    assertThat(same.path("format").asText()).isEqualTo("qcow2");
    assertThat(same.path("checksum").path("value").asText()).isEqualTo(sum);

    architecture("owner: t\nimages:\n" + image("deb", url, "sha256", sum, "12M"));
    List<String> overwrite = new ArrayList<>(List.of(args));
    overwrite.add("--overwrite");
    Result bigger = run(overwrite.toArray(String[]::new));
    assertThat(bigger.exit()).as(bigger.err()).isZero();
    JsonNode hit = bigger.json().path("images").get(0);
    assertThat(hit.path("status").asText()).isEqualTo("built");
    assertThat(hit.path("cache_hit").asBoolean(false)).isTrue();
    assertThat(hit.path("bytes_downloaded").asLong()).isZero();
    assertThat(hit.path("virtual_size").asLong())
        .isEqualTo(TestImages.info(output).path("virtual-size").asLong())
        .isEqualTo(12 * MIB);
    assertThat(server.requests("/img/base.qcow2")).hasSize(1);
  }

  @Test
  void aFailedRunIsStillOneDocument() throws Exception {
    Path qcow = TestImages.qcow2(dir, "base.qcow2", (int) MIB, 12, "1.1");
    server.serve("/base.qcow2", Files.readAllBytes(qcow));
    String url = server.uri("/base.qcow2").toString();
    Path arch =
        architecture("owner: t\nimages:\n" + image("bad", url, "sha256", "0".repeat(64), "2M"));
    Result r =
        run(
            "--architecture-path", arch.toString(),
            "--image-output-path", out.resolve("i.qcow2").toString(),
            "--output", "json");
    assertThat(r.exit()).isEqualTo(ExitCode.CHECKSUM_MISMATCH.code());
    JsonNode doc = r.json();
    assertThat(doc.path("status").asText()).isEqualTo("failed");
    assertThat(doc.path("exit_code").asInt()).isEqualTo(ExitCode.CHECKSUM_MISMATCH.code());
    assertThat(doc.path("error").isNull()).isTrue();
    JsonNode img = doc.path("images").get(0);
    assertThat(img.path("status").asText()).isEqualTo("failed");
    assertThat(img.path("exit_code").asInt()).isEqualTo(ExitCode.CHECKSUM_MISMATCH.code());
    assertThat(img.path("error").asText()).contains("checksum mismatch").contains(url);
    assertThat(img.path("format").isNull()).isTrue();
    assertThat(img.path("virtual_size").isNull()).isTrue();
    assertThat(r.err()).contains("checksum mismatch");
    assertThat(r.out()).doesNotContain("gen-vm-image: error");
  }

  @Test
  void anInvalidArchitectureFileIsATopLevelErrorOnOneLine() throws Exception {
    Path arch =
        architecture(
            "owner: t\nimages:\n  ok:\n    name: n\n    version: 1\n    get_url: http://127.0.0.1:1/x\n"
                + "    checksum:\n      type: sha257\n      value: abc\n    size: 10X\n");
    for (String dryRun : List.of("--verbose", "--dry-run")) {
      Result r = run("--architecture-path", arch.toString(), "--output", "json", dryRun);
      assertThat(r.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
      JsonNode doc = r.json();
      assertThat(doc.path("status").asText()).isEqualTo("failed");
      assertThat(doc.path("exit_code").asInt()).isEqualTo(ExitCode.INVALID_INPUT.code());
      assertThat(doc.path("dry_run").asBoolean()).isEqualTo(dryRun.equals("--dry-run"));
      assertThat(doc.path("error").asText())
          .contains("images.ok.checksum.type")
          .contains("images.ok.size")
          .doesNotContain("\n");
      assertThat(doc.path("images")).isEmpty();
      assertThat(r.err()).contains(arch + ":8:");
    }
    Result usage = run("--output", "yaml");
    assertThat(usage.exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(usage.out()).isEmpty();
    assertThat(usage.err()).contains("--output");
  }

  @Test
  void aDryRunChangesNothingFetchesNoImageAndPrintsTheCommands() throws Exception {
    Path qcowA = TestImages.qcow2(dir, "a.qcow2", (int) MIB, 13, "1.1");
    Path rawB = TestImages.raw(dir, "b.img", (int) MIB, 14);
    byte[] a = Files.readAllBytes(qcowA);
    byte[] b = Files.readAllBytes(rawB);
    String sumA = TestHttpServer.sha256(a);
    String sumB = TestHttpServer.sha256(b);
    server.serve("/a.qcow2", a);
    server.serve("/b/b.img", b);
    server.serve("/b/SHA256SUMS", (sumA + "  a.qcow2\n" + sumB + " *b.img\n").getBytes());
    String urlA = server.uri("/a.qcow2").toString();
    String urlB = server.uri("/b/b.img").toString();
    String sums = server.uri("/b/SHA256SUMS").toString();
    Path arch = architecture("owner: t\nimages:\n" + image("a", urlA, "sha256", sumA, "4M"));
    Path output = out.resolve("image.qcow2");
    Result built =
        run("--architecture-path", arch.toString(), "--image-output-path", output.toString());
    assertThat(built.exit()).as(built.err()).isZero();

    // now a second image, and a different size for the first (its output differs)
    architecture(
        "owner: t\nimages:\n"
            + image("a", urlA, "sha256", sumA, "6M")
            + image("b", urlB, "sha256", "file:" + sums, "3M"));
    Files.move(output, out.resolve("a.qcow2"));
    Files.move(
        out.resolve(".image.qcow2.gen-vm-image.json"), out.resolve(".a.qcow2.gen-vm-image.json"));
    Path config = dir.resolve("gocd").resolve("1.gocd.yml");
    List<String> common =
        List.of(
            "--architecture-path",
            arch.toString(),
            "--image-output-path",
            output.toString(),
            "--generated-image-owner",
            "nobody",
            "--generate-gocd-config",
            "--gocd-config-name",
            config.toString(),
            "--gocd-material-url",
            "https://git.example.org/images.git",
            "--dry-run");
    Map<String, String> before = snapshot(dir);
    int requests = server.requests().size();

    // without --overwrite: a is blocked (exit 8), b is planned
    Result blocked = run(common.toArray(String[]::new));
    assertThat(blocked.exit()).as(blocked.err()).isEqualTo(ExitCode.OUTPUT_EXISTS.code());
    assertThat(blocked.out())
        .contains("would write the GoCD config " + config)
        .contains("a: blocked (exists and differs; pass --overwrite) " + out.resolve("a.qcow2"))
        .contains("b: would create " + out.resolve("b.qcow2"))
        .contains("sha256 " + sumB + " (read now from " + sums)
        .contains("download " + urlB)
        .contains("  owner     nobody\n");
    assertThat(blocked.err()).contains("a: " + out.resolve("a.qcow2") + ": exists");

    List<String> withOverwrite = new ArrayList<>(common);
    withOverwrite.add("--overwrite");
    Result text = run(withOverwrite.toArray(String[]::new));
    assertThat(text.exit()).as(text.err()).isZero();
    withOverwrite.addAll(List.of("--output", "json"));
    Result json = run(withOverwrite.toArray(String[]::new));
    assertThat(json.exit()).as(json.err()).isZero();

    assertThat(snapshot(dir)).as("nothing changed on disk").isEqualTo(before);
    assertThat(config).doesNotExist();
    assertThat(server.requests().subList(requests, server.requests().size()))
        .as("only the sums file was fetched")
        .isNotEmpty()
        .allMatch(r -> r.path().equals("/b/SHA256SUMS"));

    JsonNode doc = json.json();
    assertThat(doc.path("dry_run").asBoolean()).isTrue();
    assertThat(doc.path("status").asText()).isEqualTo("ok");
    assertThat(doc.path("gocd_config").path("path").asText()).isEqualTo(config.toString());
    assertThat(doc.path("gocd_config").path("written").asBoolean(true)).isFalse();
    JsonNode planA = doc.path("images").get(0);
    JsonNode planB = doc.path("images").get(1);
    Path entryA = cache.resolve("sha256").resolve(sumA);
    Path entryB = cache.resolve("sha256").resolve(sumB);

    assertThat(planA.path("key").asText()).isEqualTo("a");
    assertThat(planA.path("status").asText()).isEqualTo("planned");
    assertThat(planA.path("cache_hit").asBoolean()).isTrue();
    assertThat(planA.path("bytes_downloaded").asLong()).isZero();
    assertThat(planA.path("virtual_size").asLong()).isEqualTo(6 * MIB);
    assertThat(planA.at("/plan/action").asText()).isEqualTo("overwrite");
    assertThat(planA.at("/plan/checksum_from").asText()).isEqualTo("given");
    assertThat(planA.at("/plan/source").asText()).isEqualTo("cache");
    assertThat(planA.at("/plan/source_path").asText()).isEqualTo(entryA.toString());
    assertThat(planA.at("/plan/source_format").asText()).isEqualTo("qcow2");
    assertThat(planA.at("/plan/source_virtual_size").asLong()).isEqualTo(MIB);
    assertThat(planA.at("/plan/owner").asText()).isEqualTo("nobody");
    assertThat(planA.at("/plan/owner_exists").asBoolean(false)).isTrue();
    String tempA = planA.at("/plan/temp_path").asText();
    assertThat(tempA).isEqualTo(out.resolve(".a.qcow2.<random>.tmp").toString());
    assertThat(commands(planA))
        .containsExactly(
            List.of("qemu-img", "info", "--output=json", entryA.toString()),
            List.of("qemu-img", "resize", "-f", "qcow2", tempA, String.valueOf(6 * MIB)),
            List.of("qemu-img", "check", "--output=json", "-f", "qcow2", tempA),
            List.of("qemu-img", "info", "--output=json", tempA));

    assertThat(planA.at("/plan/materialize").asText())
        .as("a qcow2 compat 1.1 base image is copied, not converted")
        .isEqualTo("copy");
    assertThat(text.out()).contains("  copy      " + entryA + " -> " + tempA);

    assertThat(planB.path("status").asText()).isEqualTo("planned");
    assertThat(planB.at("/plan/materialize").asText()).isEqualTo("unknown");
    assertThat(planB.path("cache_hit").asBoolean(true)).isFalse();
    assertThat(planB.path("checksum").path("value").asText()).isEqualTo(sumB);
    assertThat(planB.path("checksum").path("sums_file").asText()).isEqualTo(sums);
    assertThat(planB.at("/plan/action").asText()).isEqualTo("create");
    assertThat(planB.at("/plan/checksum_from").asText()).isEqualTo("sums_file");
    assertThat(planB.at("/plan/source").asText()).isEqualTo("download");
    assertThat(planB.at("/plan/source_path").asText()).isEqualTo(entryB.toString());
    assertThat(planB.at("/plan/source_format").isNull()).isTrue();
    String tempB = planB.at("/plan/temp_path").asText();
    assertThat(commands(planB))
        .contains(
            List.of(
                "qemu-img",
                "convert",
                "-p",
                "-f",
                "<format>",
                "-O",
                "qcow2",
                "-o",
                "compat=1.1",
                entryB.toString(),
                tempB),
            List.of("qemu-img", "resize", "-f", "qcow2", tempB, String.valueOf(3 * MIB)));
    for (JsonNode plan : List.of(planA, planB)) {
      for (List<String> command : commands(plan)) {
        assertThat(text.out()).contains(Commands.display(command));
      }
    }

    // the real run does what the plan said
    int beforeBuild = server.requests("/a.qcow2").size();
    Result real =
        run(
            "--architecture-path",
            arch.toString(),
            "--image-output-path",
            output.toString(),
            "--overwrite",
            "--output",
            "json");
    assertThat(real.exit()).as(real.err()).isZero();
    JsonNode realA = real.json().path("images").get(0);
    JsonNode realB = real.json().path("images").get(1);
    assertThat(realA.path("cache_hit").asBoolean()).isTrue();
    assertThat(realB.path("cache_hit").asBoolean(true)).isFalse();
    assertThat(realB.path("bytes_downloaded").asLong()).isEqualTo(b.length);
    assertThat(realB.path("checksum").path("value").asText()).isEqualTo(sumB);
    assertThat(server.requests("/a.qcow2")).hasSize(beforeBuild);

    // the sums file is gone: the dry run uses what the cache recorded, and says so
    server.status("/b/SHA256SUMS", 404);
    Map<String, String> afterBuild = snapshot(dir);
    Result offline =
        run(
            "--architecture-path",
            arch.toString(),
            "--image-output-path",
            output.toString(),
            "--image",
            "b",
            "--dry-run",
            "--output",
            "json");
    assertThat(offline.exit()).as(offline.err()).isZero();
    JsonNode planOffline = offline.json().path("images").get(0);
    assertThat(planOffline.path("status").asText()).isEqualTo("planned");
    assertThat(planOffline.at("/plan/action").asText()).isEqualTo("up_to_date");
    assertThat(planOffline.at("/plan/checksum_from").asText()).isEqualTo("cache");
    assertThat(planOffline.at("/plan/checksum_recorded_at").asText()).isNotEmpty();
    assertThat(planOffline.path("checksum").path("value").asText()).isEqualTo(sumB);
    assertThat(planOffline.path("virtual_size").asLong()).isEqualTo(3 * MIB);
    // up to date, and its base image is in the cache: the plan says so
    assertThat(planOffline.path("cache_hit").asBoolean(false)).isTrue();
    assertThat(planOffline.at("/plan/source").asText()).isEqualTo("cache");
    assertThat(planOffline.at("/plan/source_path").asText()).startsWith(cache.toString());
    Result offlineText =
        run(
            "--architecture-path",
            arch.toString(),
            "--image-output-path",
            output.toString(),
            "--image",
            "b",
            "--dry-run");
    assertThat(offlineText.out())
        .contains("  source    in the cache: " + cache)
        .contains("(not read: the output is up to date)");
    assertThat(snapshot(dir)).isEqualTo(afterBuild);
  }

  @Test
  void aDryRunOfAnUpToDateImageSaysWhetherTheCacheHoldsItsBaseImage() throws Exception {
    Path qcow = TestImages.qcow2(dir, "base.qcow2", (int) MIB, 21, "1.1");
    byte[] bytes = Files.readAllBytes(qcow);
    server.serve("/base.qcow2", bytes);
    String sum = TestHttpServer.sha256(bytes);
    Path arch =
        architecture(
            "owner: t\nimages:\n"
                + image("one", server.uri("/base.qcow2").toString(), "sha256", sum, "2M"));
    Path output = out.resolve("one.qcow2");
    String[] args = {
      "--architecture-path", arch.toString(), "--image-output-path", output.toString()
    };
    assertThat(run(args).exit()).isZero();

    Result hit = run(GenVmImageCommandTest.concat(args, "--dry-run", "--output", "json"));
    assertThat(hit.exit()).as(hit.err()).isZero();
    assertThat(hit.json().path("architecture_owner").asText()).isEqualTo("t");
    JsonNode image = hit.json().path("images").get(0);
    assertThat(image.at("/plan/action").asText()).isEqualTo("up_to_date");
    assertThat(image.path("cache_hit").asBoolean(false)).isTrue();

    // the cache emptied: still up to date, and the plan no longer claims the base image
    assertThat(run("cache", "prune", "--max-size", "0", "--cache-dir", cache.toString()).exit())
        .isZero();
    Result gone = run(GenVmImageCommandTest.concat(args, "--dry-run", "--output", "json"));
    JsonNode after = gone.json().path("images").get(0);
    assertThat(after.at("/plan/action").asText()).isEqualTo("up_to_date");
    assertThat(after.path("cache_hit").asBoolean(true)).isFalse();
    assertThat(after.at("/plan/source").isNull()).isTrue();
    assertThat(run(GenVmImageCommandTest.concat(args, "--dry-run")).out()).doesNotContain("source");
  }

  @Test
  void aDryRunCreatesNoCacheAndNoOutputFolder() throws Exception {
    byte[] b = TestHttpServer.randomBytes((int) MIB, 15);
    server.serve("/b.img", b);
    Path arch =
        architecture(
            "owner: t\nimages:\n"
                + image(
                    "b",
                    server.uri("/b.img").toString(),
                    "sha256",
                    TestHttpServer.sha256(b),
                    "2M"));
    Path freshCache = dir.resolve("no-cache-yet");
    Path output = dir.resolve("no-out-yet").resolve("deep").resolve("image.qcow2");
    Result r =
        run(
            "--cache-dir",
            freshCache.toString(),
            "--architecture-path",
            arch.toString(),
            "--image-output-path",
            output.toString(),
            "--dry-run");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .startsWith("dry run: nothing was changed on disk\n")
        .contains("b: would create " + output)
        .contains("download " + server.uri("/b.img"));
    assertThat(freshCache).doesNotExist();
    assertThat(dir.resolve("no-out-yet")).doesNotExist();
    assertThat(server.requests()).isEmpty();

    Path blocker = dir.resolve("file");
    Files.writeString(blocker, "not a folder");
    Result blocked =
        run(
            "--cache-dir",
            freshCache.toString(),
            "--architecture-path",
            arch.toString(),
            "--image-output-path",
            blocker.resolve("sub/image.qcow2").toString(),
            "--dry-run",
            "--output",
            "json");
    assertThat(blocked.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
    JsonNode img = blocked.json().path("images").get(0);
    assertThat(img.path("status").asText()).isEqualTo("failed");
    assertThat(img.path("exit_code").asInt()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(img.path("error").asText()).contains("cannot create the output folder");
    assertThat(freshCache).doesNotExist();
  }

  @Test
  void aDryRunEndsWithTheExitCodeOfTheRealRun() throws Exception {
    Path qcow = TestImages.qcow2(dir, "base.qcow2", (int) (2 * MIB), 17, "1.1");
    String sum = TestHttpServer.sha256(Files.readAllBytes(qcow));
    String local = qcow.toUri().toString();
    server.serve("/SHA256SUMS", (sum + "  other.qcow2\n").getBytes());
    server.status("/gone/SHA256SUMS", 404);
    Path folderOutput = dir.resolve("folder-output");
    Files.createDirectories(folderOutput.resolve("image.qcow2"));
    byte[] gzip = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    Path archive = dir.resolve("image.tar.gz");
    Files.write(archive, gzip);

    record Case(String name, String image, Path output, int exit, String message) {}
    List<Case> cases =
        List.of(
            new Case(
                "missing",
                image("missing", dir.resolve("nope.qcow2").toUri().toString(), "sha256", sum, "4M"),
                out.resolve("missing.qcow2"),
                ExitCode.DOWNLOAD_FAILED.code(),
                "no such file"),
            new Case(
                "unlisted",
                image("unlisted", local, "sha256", "file:" + server.uri("/SHA256SUMS"), "4M"),
                out.resolve("unlisted.qcow2"),
                ExitCode.DOWNLOAD_FAILED.code(),
                "no checksum for 'base.qcow2'"),
            new Case(
                "gone",
                image("gone", local, "sha256", "file:" + server.uri("/gone/SHA256SUMS"), "4M"),
                out.resolve("gone.qcow2"),
                ExitCode.DOWNLOAD_FAILED.code(),
                "404"),
            new Case(
                "shrink",
                image("shrink", local, "sha256", sum, "1M"),
                out.resolve("shrink.qcow2"),
                ExitCode.INVALID_INPUT.code(),
                "smaller than the base image's virtual size"),
            new Case(
                "archive",
                image(
                    "archive",
                    archive.toUri().toString(),
                    "sha256",
                    TestHttpServer.sha256(gzip),
                    "4M"),
                out.resolve("archive.qcow2"),
                ExitCode.TOOL_FAILED.code(),
                "gzip"),
            new Case(
                "folder",
                image("folder", local, "sha256", sum, "4M"),
                // a folder to write into, where image.qcow2 is a folder too
                folderOutput,
                ExitCode.INVALID_INPUT.code(),
                "is a folder"));
    for (Case c : cases) {
      Path arch = architecture("owner: t\nimages:\n" + c.image());
      String[] args = {
        "--architecture-path",
        arch.toString(),
        "--image-output-path",
        c.output().toString(),
        "--overwrite",
        "--output",
        "json",
        "--dry-run"
      };
      Map<String, String> before = snapshot(dir);
      Result dry = run(args);
      assertThat(snapshot(dir)).as(c.name()).isEqualTo(before);
      Result real = run(Arrays.copyOf(args, args.length - 1));
      assertThat(real.exit()).as(c.name() + ": " + real.err()).isEqualTo(c.exit());
      assertThat(dry.exit()).as(c.name() + ": " + dry.err()).isEqualTo(c.exit());
      JsonNode img = dry.json().path("images").get(0);
      assertThat(img.path("status").asText()).as(c.name()).isEqualTo("failed");
      assertThat(img.path("exit_code").asInt()).as(c.name()).isEqualTo(c.exit());
      assertThat(img.path("error").asText()).as(c.name()).contains(c.message());
      assertThat(real.json().path("images").get(0).path("error").asText())
          .as(c.name())
          .contains(c.message());
    }
  }

  @Test
  void ctrlCStillPrintsTheDocument() throws Exception {
    Path qcow = TestImages.qcow2(dir, "base.qcow2", 4 << 20, 16, "1.1");
    byte[] bytes = Files.readAllBytes(qcow);
    server.serve("/base.qcow2", bytes).throttle(32 * 1024, Duration.ofMillis(100));
    Path arch =
        architecture(
            "owner: t\nimages:\n"
                + image(
                    "one",
                    server.uri("/base.qcow2").toString(),
                    "sha256",
                    TestHttpServer.sha256(bytes),
                    "8M"));
    String java = ProcessHandle.current().info().command().orElse("java");
    Path stdout = dir.resolve("stdout.json");
    Path stderr = dir.resolve("stderr.txt");
    Process p =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                GenVmImageCommand.class.getName(),
                "--architecture-path",
                arch.toString(),
                "--image-output-path",
                out.resolve("image.qcow2").toString(),
                "--cache-dir",
                cache.toString(),
                "--output",
                "json")
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (server.requests("/base.qcow2").isEmpty()
        || !Files.readString(stderr).contains("downloading")) {
      assertThat(p.isAlive()).as(Files.readString(stderr)).isTrue();
      assertThat(System.nanoTime()).as("timed out waiting").isLessThan(deadline);
      Thread.sleep(50);
    }
    new ProcessBuilder("kill", "-INT", Long.toString(p.pid())).start().waitFor();

    assertThat(p.waitFor(20, TimeUnit.SECONDS)).as("exits promptly").isTrue();
    assertThat(p.exitValue()).as(Files.readString(stderr)).isEqualTo(ExitCode.INTERRUPTED.code());
    JsonNode doc = new Result(p.exitValue(), Files.readString(stdout), "").json();
    assertThat(doc.path("status").asText()).isEqualTo("interrupted");
    assertThat(doc.path("exit_code").asInt()).isEqualTo(ExitCode.INTERRUPTED.code());
    JsonNode img = doc.path("images").get(0);
    assertThat(img.path("status").asText()).isEqualTo("failed");
    assertThat(img.path("exit_code").asInt()).isEqualTo(ExitCode.INTERRUPTED.code());
    assertThat(img.path("error").asText()).isEqualTo("interrupted");
    assertThat(TestImages.listFiles(out)).isEmpty();
  }

  private static List<List<String>> commands(JsonNode image) {
    List<List<String>> commands = new ArrayList<>();
    for (JsonNode command : image.at("/plan/commands")) {
      List<String> argv = new ArrayList<>();
      command.forEach(a -> argv.add(a.asText()));
      commands.add(argv);
    }
    return commands;
  }
}
