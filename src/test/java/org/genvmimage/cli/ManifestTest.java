package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.genvmimage.cli.CliRun.Result;
import org.genvmimage.core.ExitCode;
import org.genvmimage.download.TestHttpServer;
import org.genvmimage.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SHA256SUMS that gen-vm-image keeps in each output folder, and {@code gen-vm-image verify},
 * end to end: a loopback HTTP server, the real qemu-img, and GNU coreutils' sha256sum to read the
 * manifest as users do.
 */
class ManifestTest {
  static final long MIB = 1024 * 1024;

  @TempDir Path dir;
  TestHttpServer server;
  Path cache;
  Path out;
  Path arch;
  String input;

  @BeforeEach
  void start() throws IOException {
    server = TestHttpServer.start();
    cache = dir.resolve("cache");
    out = dir.resolve("out");
    byte[] bytes =
        Files.readAllBytes(TestImages.qcow2(dir, "base.qcow2", (int) (3 * MIB), 11, "1.1"));
    server.serve("/base.qcow2", bytes);
    input =
        "{url: %s, checksum: {type: sha256, value: %s}}"
            .formatted(server.uri("/base.qcow2"), TestHttpServer.sha256(bytes));
    arch = architecture("architecture.yml", "q: 16M", "r: 16M raw", "x: 16M vhdx");
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** An architecture file of images "key: size [format]", all from the served base image. */
  Path architecture(String name, String... images) throws IOException {
    StringBuilder yaml = new StringBuilder("owner: o\nimages:\n");
    for (String image : images) {
      String[] parts = image.split("[: ]+");
      yaml.append(
          "  %s: {name: %s, size: %s, format: %s, input: %s}\n"
              .formatted(
                  parts[0], parts[0], parts[1], parts.length > 2 ? parts[2] : "qcow2", input));
    }
    return Files.writeString(dir.resolve(name), yaml);
  }

  Result build(String... more) {
    return build(arch, more);
  }

  Result build(Path architecture, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--architecture-path", architecture.toString(), "--image-output-path", out + "/"));
    args.addAll(List.of(more));
    return CliRun.genWithCache(cache, args.toArray(String[]::new));
  }

  Result verify(String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "verify",
                "--architecture-path",
                arch.toString(),
                "--image-output-path",
                out + "/"));
    args.addAll(List.of(more));
    return CliRun.gen(args.toArray(String[]::new));
  }

  /** Runs the real {@code sha256sum -c SHA256SUMS} in the output folder: its exit and output. */
  Result sha256sumCheck() throws Exception {
    Process p =
        new ProcessBuilder("sha256sum", "-c", "SHA256SUMS")
            .directory(out.toFile())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return new Result(p.exitValue(), output, "");
  }

  Map<String, String> manifest() throws IOException {
    Map<String, String> lines = new LinkedHashMap<>();
    for (String line : Files.readAllLines(out.resolve("SHA256SUMS"))) {
      assertThat(line).matches("[0-9a-f]{64}  \\S+");
      lines.put(line.substring(66), line.substring(0, 64));
    }
    return lines;
  }

  static void flipByte(Path file, long offset) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.seek(offset);
      int b = f.read();
      f.seek(offset);
      f.write(b ^ 0xff);
    }
  }

  @Test
  void aBuildListsEveryImageSha256sumChecksThemAndVerifyPasses() throws Exception {
    Result built = build("--output", "json");

    assertThat(built.exit()).as(built.err()).isZero();
    assertThat(manifest().keySet()).containsExactly("q.qcow2", "r.raw", "x.vhdx");
    assertThat(built.json().path("manifests").get(0).asText())
        .isEqualTo(out.resolve("SHA256SUMS").toString());
    Result check = sha256sumCheck();
    assertThat(check.exit()).as(check.out()).isZero();
    assertThat(check.out()).contains("q.qcow2: OK", "r.raw: OK", "x.vhdx: OK");

    Result verified = verify();
    assertThat(verified.exit()).as(verified.err()).isZero();
    assertThat(verified.out())
        .containsPattern("q +ok +" + out.resolve("q.qcow2"))
        .containsPattern("r +ok")
        .containsPattern("x +ok");

    JsonNode json = verify("--output", "json").json();
    assertThat(json.path("command").asText()).isEqualTo("gen-vm-image verify");
    assertThat(json.path("status").asText()).isEqualTo("ok");
    assertThat(json.path("exit_code").asInt()).isZero();
    assertThat(json.path("images")).hasSize(3);
    JsonNode raw = json.path("images").get(1);
    assertThat(raw.path("key").asText()).isEqualTo("r");
    assertThat(raw.path("status").asText()).isEqualTo("ok");
    assertThat(raw.path("sha256").asText()).isEqualTo(manifest().get("r.raw"));
    assertThat(raw.path("format").asText()).isEqualTo("raw");
    assertThat(raw.path("virtual_size").asLong()).isEqualTo(16 * MIB);
  }

  @Test
  void verifyFailsNamingTheImageOneByteOfWhichChanged() throws Exception {
    assertThat(build().exit()).isZero();
    flipByte(out.resolve("r.raw"), 1000);

    Result r = verify();

    assertThat(r.exit()).isEqualTo(ExitCode.CHECKSUM_MISMATCH.code());
    assertThat(r.out())
        .containsPattern("r +mismatch")
        .containsPattern("q +ok")
        .containsPattern("x +ok");
    assertThat(r.err())
        .contains("gen-vm-image verify: error: r: " + out.resolve("r.raw") + ": sha256 is ")
        .doesNotContain("error: q:")
        .doesNotContain("error: x:");
    JsonNode json = verify("--output", "json").json();
    assertThat(json.path("exit_code").asInt()).isEqualTo(5);
    assertThat(json.path("status").asText()).isEqualTo("failed");
    assertThat(json.path("images").get(1).path("status").asText()).isEqualTo("mismatch");
    assertThat(json.path("images").get(0).path("status").asText()).isEqualTo("ok");
    // the real tool agrees
    assertThat(sha256sumCheck().out()).contains("r.raw: FAILED");
  }

  @Test
  void verifyChecksTheFormatAndVirtualSizeAgainstTheArchitectureFile() throws Exception {
    assertThat(build().exit()).isZero();
    arch = architecture("architecture.yml", "q: 32M", "r: 16M raw", "x: 16M vhdx");

    Result r = verify();

    assertThat(r.exit()).isEqualTo(ExitCode.CHECKSUM_MISMATCH.code());
    assertThat(r.out()).containsPattern("q +mismatch").containsPattern("r +ok");
    assertThat(r.err()).contains("q: " + out.resolve("q.qcow2") + ": has a virtual size of 16 MiB");
  }

  @Test
  void verifySaysWhatIsMissing() throws Exception {
    Result none = verify();
    assertThat(none.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(none.out()).containsPattern("q +missing");
    assertThat(none.err()).contains("q: " + out.resolve("q.qcow2") + ": missing");

    assertThat(build("--image", "q", "--image", "r").exit()).isZero();
    Result one = verify();
    assertThat(one.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(one.out())
        .containsPattern("q +ok")
        .containsPattern("r +ok")
        .containsPattern("x +missing");
    assertThat(verify("--image", "q").exit()).isZero();

    // an image the manifest does not list, and a folder without one
    Files.writeString(
        out.resolve("SHA256SUMS"),
        Files.readAllLines(out.resolve("SHA256SUMS")).get(0) + "\n"); // q only
    Result unlisted = verify("--image", "q", "--image", "r");
    assertThat(unlisted.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(unlisted.out()).containsPattern("r +unlisted");
    assertThat(unlisted.err()).contains("r: " + out.resolve("r.raw") + ": not listed in");
    Files.delete(out.resolve("SHA256SUMS"));
    Result noManifest = verify("--image", "q", "--output", "json");
    assertThat(noManifest.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(noManifest.json().path("images").get(0).path("status").asText())
        .isEqualTo("no_manifest");
  }

  @Test
  void aFailedImageKeepsItsLineOnlyWhileItsFileIsUnchanged() throws Exception {
    assertThat(build().exit()).isZero();
    Map<String, String> first = manifest();
    // r is asked bigger: not up to date, and without --overwrite its build fails (exit 8)
    arch = architecture("architecture.yml", "q: 16M", "r: 32M raw", "x: 16M vhdx");

    Result failed = build();
    assertThat(failed.exit()).isEqualTo(ExitCode.OUTPUT_EXISTS.code());
    assertThat(manifest()).isEqualTo(first);
    assertThat(sha256sumCheck().exit()).isZero();

    // its file changes (as an edit in place would): the failed image's line goes
    flipByte(out.resolve("r.raw"), 2000);
    assertThat(build().exit()).isEqualTo(ExitCode.OUTPUT_EXISTS.code());
    assertThat(manifest()).containsOnlyKeys("q.qcow2", "x.vhdx");
    assertThat(manifest().get("q.qcow2")).isEqualTo(first.get("q.qcow2"));
    Result check = sha256sumCheck();
    assertThat(check.exit()).as(check.out()).isZero();

    // rebuilt: listed again with its new digest
    Result rebuilt = build("--overwrite");
    assertThat(rebuilt.exit()).as(rebuilt.err()).isZero();
    assertThat(manifest()).containsOnlyKeys("q.qcow2", "r.raw", "x.vhdx");
    assertThat(sha256sumCheck().exit()).isZero();
    assertThat(verify().exit()).isZero();
  }

  @Test
  void aRerunOfAnUpToDateBuildKeepsTheManifestWithoutReadingTheImagesAgain() throws Exception {
    assertThat(build().exit()).isZero();
    String before = Files.readString(out.resolve("SHA256SUMS"));
    var written = org.genvmimage.manifest.FileStamp.of(out.resolve("SHA256SUMS"));
    var state = org.genvmimage.manifest.FileStamp.of(out.resolve(".SHA256SUMS.gen-vm-image.json"));

    Result again = build("-v");
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.out()).containsPattern("q +up to date");
    assertThat(again.err()).doesNotContain("hashing");
    assertThat(Files.readString(out.resolve("SHA256SUMS"))).isEqualTo(before);
    // nothing changed: neither file was written again (a read-only folder would do)
    assertThat(org.genvmimage.manifest.FileStamp.of(out.resolve("SHA256SUMS"))).isEqualTo(written);
    assertThat(org.genvmimage.manifest.FileStamp.of(out.resolve(".SHA256SUMS.gen-vm-image.json")))
        .isEqualTo(state);

    // an image changed in place after the build (as configure-vm-image does) is up to date by
    // its origin: the rerun reads it again and lists what it now holds
    flipByte(out.resolve("r.raw"), 3000);
    Result changed = build("-v");
    assertThat(changed.exit()).as(changed.err()).isZero();
    assertThat(changed.err()).contains("r: hashing for SHA256SUMS").doesNotContain("q: hashing");
    assertThat(manifest().get("r.raw")).isNotEqualTo(manifestOf(before).get("r.raw"));
    assertThat(sha256sumCheck().exit()).isZero();
    assertThat(verify().exit()).isZero();

    // a lost manifest is written again from the images (read once each)
    Files.delete(out.resolve("SHA256SUMS"));
    assertThat(build().exit()).isZero();
    assertThat(manifest().keySet()).containsExactly("q.qcow2", "r.raw", "x.vhdx");
    assertThat(sha256sumCheck().exit()).isZero();
  }

  @Test
  void linesOfOtherFilesAndOtherArchitectureFilesInTheFolderAreKept() throws Exception {
    Files.createDirectories(out);
    Files.writeString(out.resolve("notes.txt"), "hello\n");
    Files.writeString(
        out.resolve("SHA256SUMS"), TestHttpServer.sha256("hello\n".getBytes()) + "  notes.txt\n");
    Path other = architecture("other.yml", "o1: 16M", "o2: 16M raw");

    // two runs into one folder at once must not lose each other's lines
    Result[] results = new Result[2];
    Thread t = new Thread(() -> results[1] = build(other));
    t.start();
    results[0] = build();
    t.join();

    assertThat(results[0].exit()).as(results[0].err()).isZero();
    assertThat(results[1].exit()).as(results[1].err()).isZero();
    assertThat(manifest().keySet())
        .containsExactly("notes.txt", "o1.qcow2", "o2.raw", "q.qcow2", "r.raw", "x.vhdx");
    assertThat(sha256sumCheck().exit()).isZero();
  }

  @Test
  void aDryRunWritesNoManifest() throws Exception {
    Result r = build("--dry-run");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out())
        .contains(
            "manifest: "
                + out.resolve("SHA256SUMS")
                + " would list q.qcow2, r.raw, x.vhdx (lines of other files kept)");
    assertThat(out).doesNotExist();
  }

  @Test
  void theParentsPathsReachVerify() throws Exception {
    assertThat(build().exit()).isZero();
    Result r =
        CliRun.gen(
            "--architecture-path", arch.toString(), "--image-output-path", out + "/", "verify");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("q +ok +" + out.resolve("q.qcow2"));
  }

  @Test
  void anImageKeyedVerifyIsBuiltByTheGocdPipelinesArgumentsAndVerifiedByName() throws Exception {
    arch = architecture("architecture.yml", "verify: 16M", "q: 16M");
    // what a GoCD pipeline runs for that image: --image verify is the key, not the command
    List<String> args =
        new ArrayList<>(
            org.genvmimage.gocd.GocdConfig.buildArguments(
                "verify",
                new org.genvmimage.gocd.GocdSettings(
                    "https://example.org/r.git",
                    "main",
                    "group",
                    "template",
                    true,
                    org.genvmimage.gocd.LockBehavior.none,
                    null,
                    null,
                    "architecture.yml")));
    args.set(args.indexOf("architecture.yml"), arch.toString());
    args.addAll(List.of("--image-output-path", out + "/", "--overwrite"));

    Result built = CliRun.genWithCache(cache, args.toArray(String[]::new));

    assertThat(built.exit()).as(built.err()).isZero();
    assertThat(built.out()).containsPattern("verify +built").doesNotContain("q ");
    assertThat(manifest().keySet()).containsExactly("verify.qcow2");
    Result verified = verify("--image", "verify");
    assertThat(verified.exit()).as(verified.err()).isZero();
    assertThat(verified.out()).containsPattern("verify +ok");
  }

  static Map<String, String> manifestOf(String text) {
    Map<String, String> lines = new LinkedHashMap<>();
    for (String line : text.split("\n")) {
      lines.put(line.substring(66), line.substring(0, 64));
    }
    return lines;
  }
}
