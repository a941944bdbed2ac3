package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.genvmimage.cli.CliRun.Result;
import org.genvmimage.core.ExitCode;
import org.genvmimage.download.TestHttpServer;
import org.genvmimage.image.ImageOwner;
import org.genvmimage.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gen-vm-image end to end: a loopback HTTP server, the real qemu-img, real files. */
class GenVmImageCommandTest {
  static final long MIB = 1024 * 1024;

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

  /** Serves a file from the test folder and returns its sha256. */
  String serve(String path, Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    server.serve(path, bytes);
    return TestHttpServer.sha256(bytes);
  }

  Path architecture(String yaml) throws IOException {
    Path file = dir.resolve("architecture.yml");
    Files.writeString(file, yaml);
    return file;
  }

  static String image(String key, String url, String type, String value, String size) {
    return String.format(
        "  %s:%n    name: %s%n    version: 1%n    get_url: %s%n    checksum:%n      type: %s%n"
            + "      value: %s%n    size: %s%n",
        key, key, url, type, value, size);
  }

  @Test
  void buildsEveryImageOfAFileInParallelAndARerunIsUpToDate() throws Exception {
    Path qcow = TestImages.qcow2(dir, "base.qcow2", (int) (4 * MIB), 1, "0.10");
    Path raw = TestImages.raw(dir, "base.img", (int) (3 * MIB), 2);
    String qcowSum = serve("/images/base.qcow2", qcow);
    String rawSum = serve("/images/base.img", raw);
    Path arch =
        architecture(
            "owner: tester\nimages:\n"
                + image(
                    "alpha", server.uri("/images/base.qcow2").toString(), "sha256", qcowSum, "64M")
                + image(
                    "beta",
                    server.uri("/images/base.img").toString(),
                    "SHA256",
                    rawSum.toUpperCase(),
                    "32M")
                + image(
                    "gamma",
                    server.uri("/images/base.qcow2").toString(),
                    "sha256",
                    qcowSum,
                    "16M"));

    Result r =
        run(
            "--architecture-path",
            arch.toString(),
            "--image-output-path",
            out.resolve("image.qcow2").toString(),
            "--generated-image-owner",
            "nobody",
            "--jobs",
            "3");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("alpha +built +" + out.resolve("alpha.qcow2"));
    assertThat(r.out()).containsPattern("beta +built");
    assertThat(r.out()).containsPattern("gamma +built");
    assertThat(server.requests("/images/base.qcow2")).hasSize(1);
    assertImage(out.resolve("alpha.qcow2"), 64 * MIB);
    assertImage(out.resolve("beta.qcow2"), 32 * MIB);
    assertImage(out.resolve("gamma.qcow2"), 16 * MIB);
    if (isRoot()) {
      assertThat(Files.getOwner(out.resolve("alpha.qcow2")).getName()).isEqualTo("nobody");
    }
    assertThat(TestImages.listFiles(out))
        .containsExactlyInAnyOrder(
            "alpha.qcow2",
            "beta.qcow2",
            "gamma.qcow2",
            ".alpha.qcow2.gen-vm-image.json",
            ".beta.qcow2.gen-vm-image.json",
            ".gamma.qcow2.gen-vm-image.json",
            "SHA256SUMS",
            ".SHA256SUMS.gen-vm-image.json");

    int requests = server.requests().size();
    byte[] before = Files.readAllBytes(out.resolve("alpha.qcow2"));
    Result again =
        run(
            "--architecture-path", arch.toString(),
            "--image-output-path", out.resolve("image.qcow2").toString());
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.out())
        .containsPattern("alpha +up to date")
        .containsPattern("gamma +up to date");
    assertThat(server.requests()).hasSize(requests);
    assertThat(Files.readAllBytes(out.resolve("alpha.qcow2"))).isEqualTo(before);
  }

  @Test
  void aQcow2v3BaseIsCopiedWhileDownloadingThenFromTheCacheWithoutConversion() throws Exception {
    Path qcow = TestImages.qcow2(dir, "v3.qcow2", (int) (3 * MIB + 12345), 3, "1.1");
    String sum = serve("/images/v3.qcow2", qcow);
    Path arch =
        architecture(
            "owner: tester\nimages:\n"
                + image("one", server.uri("/images/v3.qcow2").toString(), "sha256", sum, "64M"));
    Path output = out.resolve("image.qcow2");
    for (String size : List.of("64M", "80M")) {
      Files.writeString(arch, Files.readString(arch).replaceAll("size: \\d+M", "size: " + size));
      Result r =
          run(
              "--architecture-path",
              arch.toString(),
              "--image-output-path",
              output.toString(),
              "--overwrite");
      assertThat(r.exit()).as(r.err()).isZero();
      assertThat(r.err()).doesNotContain("converting");
      if (size.equals("80M")) {
        assertThat(r.err()).contains("one: copying the qcow2 (compat 1.1) image");
      }
      assertImage(output, Long.parseLong(size.replace("M", "")) * MIB);
      // the guest sees the base image's bytes, then zeros
      Process compare =
          new ProcessBuilder("qemu-img", "compare", "-q", qcow.toString(), output.toString())
              .redirectErrorStream(true)
              .start();
      String why = new String(compare.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(compare.waitFor()).as(why).isZero();
      assertThat(TestImages.listFiles(out))
          .containsExactlyInAnyOrder(
              "image.qcow2",
              ".image.qcow2.gen-vm-image.json",
              "SHA256SUMS",
              ".SHA256SUMS.gen-vm-image.json");
    }
    assertThat(server.requests("/images/v3.qcow2")).hasSize(1);
  }

  @Test
  void oneImageGoesToTheOutputPathAndAChangedSizeNeedsOverwrite() throws Exception {
    Path qcow = TestImages.qcow2(dir, "base.qcow2", (int) (2 * MIB), 3, "1.1");
    String sum = serve("/base.qcow2", qcow);
    Path output = out.resolve("image.qcow2");
    String url = server.uri("/base.qcow2").toString();
    Path arch = architecture("owner: t\nimages:\n" + image("one", url, "sha256", sum, "8M"));
    assertThat(
            run("--architecture-path", arch.toString(), "--image-output-path", output.toString())
                .exit())
        .isZero();
    assertImage(output, 8 * MIB);
    byte[] built = Files.readAllBytes(output);

    architecture("owner: t\nimages:\n" + image("one", url, "sha256", sum, "12M"));
    Result refused =
        run("--architecture-path", arch.toString(), "--image-output-path", output.toString());
    assertThat(refused.exit()).isEqualTo(ExitCode.OUTPUT_EXISTS.code());
    assertThat(refused.err()).contains(output + ": exists").contains("--overwrite");
    assertThat(Files.readAllBytes(output)).isEqualTo(built);

    int requests = server.requests().size();
    Result replaced =
        run(
            "--architecture-path",
            arch.toString(),
            "--image-output-path",
            output.toString(),
            "--overwrite");
    assertThat(replaced.exit()).as(replaced.err()).isZero();
    assertThat(replaced.err())
        .contains("one: using the cached base image " + cache.resolve("sha256"));
    assertThat(server.requests()).hasSize(requests);
    assertImage(output, 12 * MIB);
  }

  @Test
  void aFileThatWasNotBuiltByUsIsNeverReplacedWithoutOverwrite() throws Exception {
    Path qcow = TestImages.qcow2(dir, "base.qcow2", (int) MIB, 4, "1.1");
    String sum = serve("/base.qcow2", qcow);
    Path output = out.resolve("image.qcow2");
    Files.createDirectories(out);
    Files.writeString(output, "precious");
    Path arch =
        architecture(
            "owner: t\nimages:\n"
                + image("one", server.uri("/base.qcow2").toString(), "sha256", sum, "2M"));
    Result r =
        run("--architecture-path", arch.toString(), "--image-output-path", output.toString());
    assertThat(r.exit()).isEqualTo(ExitCode.OUTPUT_EXISTS.code());
    assertThat(Files.readString(output)).isEqualTo("precious");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void oneFailingImageDoesNotStopTheOthers() throws Exception {
    Path qcow = TestImages.qcow2(dir, "base.qcow2", (int) MIB, 5, "1.1");
    String sum = serve("/base.qcow2", qcow);
    server.status("/missing.qcow2", 404);
    Path arch =
        architecture(
            "owner: t\nimages:\n"
                + image("good", server.uri("/base.qcow2").toString(), "sha256", sum, "2M")
                + image(
                    "bad",
                    server.uri("/missing.qcow2").toString(),
                    "sha256",
                    "1".repeat(64),
                    "2M"));
    Result r =
        run(
            "--architecture-path",
            arch.toString(),
            "--image-output-path",
            out.resolve("x.qcow2").toString());
    assertThat(r.exit()).isEqualTo(ExitCode.DOWNLOAD_FAILED.code());
    assertThat(r.out())
        .containsPattern("good +built")
        .containsPattern("bad +failed .*\\(exit 4\\)");
    assertThat(r.err()).contains("404");
    assertThat(server.requests("/missing.qcow2")).hasSize(1);
    assertImage(out.resolve("good.qcow2"), 2 * MIB);
    assertThat(out.resolve("bad.qcow2")).doesNotExist();
  }

  @Test
  void stacktraceShowsTheTraceOfEachFailedImageInARunAndADryRun() throws Exception {
    server.status("/missing.qcow2", 404);
    Path arch =
        architecture(
            "owner: t\nimages:\n"
                + image(
                    "bad", server.uri("/missing.qcow2").toString(), "sha256", "1".repeat(64), "2M")
                + image(
                    "gone",
                    dir.resolve("no-such.qcow2").toUri().toString(),
                    "sha256",
                    "2".repeat(64),
                    "2M"));
    String[] common = {
      "--architecture-path", arch.toString(), "--image-output-path", out.resolve("x").toString()
    };

    Result plain = run(common);
    assertThat(plain.exit()).isEqualTo(ExitCode.DOWNLOAD_FAILED.code());
    assertThat(plain.err()).contains("bad: ").doesNotContain("\tat org.genvmimage.");

    Result traced = run(concat(common, "--stacktrace"));
    assertThat(traced.exit()).isEqualTo(ExitCode.DOWNLOAD_FAILED.code());
    assertThat(traced.err())
        .containsPattern("error: bad: .*404[^\n]*\norg\\.genvmimage\\.core\\.GenVmException: ")
        .containsPattern("error: gone: [^\n]*\norg\\.genvmimage\\.core\\.GenVmException: ")
        .contains("\tat org.genvmimage.download.");

    Result dryRun = run(concat(common, "--dry-run", "--stacktrace"));
    assertThat(dryRun.exit()).isEqualTo(ExitCode.DOWNLOAD_FAILED.code());
    assertThat(dryRun.err())
        .containsPattern("error: gone: [^\n]*\norg\\.genvmimage\\.core\\.GenVmException: ")
        .contains("\tat org.genvmimage.");
    assertThat(run(concat(common, "--dry-run")).err()).doesNotContain("\tat org.genvmimage.");

    StringWriter err = new StringWriter();
    int code =
        ConfigureVmImageCommand.run(
            new PrintWriter(new StringWriter()),
            new PrintWriter(err),
            "--image-input-path",
            dir.resolve("none.qcow2").toString(),
            "--stacktrace");
    assertThat(code).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(err.toString())
        .contains("no such image")
        .contains("\tat org.genvmimage.configure.Configurator");
  }

  static String[] concat(String[] first, String... more) {
    List<String> all = new ArrayList<>(List.of(first));
    all.addAll(List.of(more));
    return all.toArray(String[]::new);
  }

  @Test
  void messagesNameWhatIsReallyUsed() throws Exception {
    Path qcow = TestImages.qcow2(dir, "base.qcow2", (int) MIB, 7, "1.1");
    String sum = serve("/first/base.qcow2", qcow);
    serve("/mirror/other-name.qcow2", qcow);

    // a local file is read in place, not downloaded
    Path local =
        architecture(
            "owner: t\nimages:\n" + image("local", qcow.toUri().toString(), "sha256", sum, "2M"));
    Result l =
        run(
            "--architecture-path",
            local.toString(),
            "--image-output-path",
            out.resolve("local.qcow2").toString());
    assertThat(l.exit()).as(l.err()).isZero();
    assertThat(l.err())
        .contains("local: reading the local file " + qcow)
        .doesNotContain("download");
    assertThat(l.out()).contains("(local source, ").doesNotContain("downloaded");

    // downloaded through one URL, then a hit through another with the same checksum
    Path first =
        architecture(
            "owner: t\nimages:\n"
                + image("a", server.uri("/first/base.qcow2").toString(), "sha256", sum, "2M"));
    Result a =
        run(
            "--architecture-path",
            first.toString(),
            "--image-output-path",
            out.resolve("a.qcow2").toString());
    assertThat(a.exit()).as(a.err()).isZero();
    Path mirror =
        architecture(
            "owner: t\nimages:\n"
                + image(
                    "b", server.uri("/mirror/other-name.qcow2").toString(), "sha256", sum, "2M"));
    Result b =
        run(
            "--architecture-path",
            mirror.toString(),
            "--image-output-path",
            out.resolve("b.qcow2").toString());
    assertThat(b.exit()).as(b.err()).isZero();
    Path entry = cache.resolve("sha256").resolve(sum);
    assertThat(b.err())
        .contains(
            "b: using the cached base image "
                + entry
                + " (downloaded earlier from "
                + server.uri("/first/base.qcow2")
                + ", same sha256)")
        .doesNotContain("other-name.qcow2");
    assertThat(server.requests("/mirror/other-name.qcow2")).isEmpty();
  }

  /**
   * A cache on a full file system: the file system's failure (exit 6), said once, with how much
   * more space the download needs. Needs root for the small tmpfs (CI runs as root).
   */
  @Test
  void aFullCacheFileSystemIsTheFileSystemsFailureWithTheSpaceNeeded() throws Exception {
    Assumptions.assumeTrue(isRoot(), "mounting a tmpfs needs root");
    Path small = Files.createDirectories(dir.resolve("small"));
    mount(small, "2m");
    try {
      byte[] bytes = Files.readAllBytes(TestImages.raw(dir, "big.img", (int) (5 * MIB), 9));
      server.serve("/big.img", bytes);
      Path arch =
          architecture(
              "owner: t\nimages:\n"
                  + image(
                      "big",
                      server.uri("/big.img").toString(),
                      "sha256",
                      TestHttpServer.sha256(bytes),
                      "8M"));
      Path smallCache = small.resolve("cache");
      Result r =
          CliRun.gen(
              "--cache-dir",
              smallCache.toString(),
              "--retries",
              "1",
              "--architecture-path",
              arch.toString(),
              "--image-output-path",
              out.resolve("big.qcow2").toString());
      String err = r.err();
      assertThat(r.exit()).as(err).isEqualTo(ExitCode.TOOL_FAILED.code());
      assertThat(r.out()).containsPattern("big +failed .*\\(exit 6\\)");
      String part = smallCache.resolve("sha256").resolve(TestHttpServer.sha256(bytes)) + ".part";
      List<String> errors = err.lines().filter(l -> l.contains("error:")).toList();
      assertThat(errors).as(err).hasSize(1);
      String line = errors.get(0);
      assertThat(line)
          .startsWith("gen-vm-image: error: big: " + part + ": No space left on device; ")
          .containsPattern(
              "the download needs [0-9.]+ [KM]iB more free space in "
                  + java.util.regex.Pattern.quote(part.substring(0, part.lastIndexOf('/')))
                  + " \\(5 MiB in all, [0-9.]+ [KM]iB available\\)");
      assertThat(line.split(java.util.regex.Pattern.quote(part), -1)).hasSize(2);
      assertThat(out.resolve("big.qcow2")).doesNotExist();
    } finally {
      unmount(small);
    }
  }

  private static void mount(Path at, String size) throws Exception {
    Process p =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=" + size, "tmpfs", at.toString())
            .redirectErrorStream(true)
            .start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("mount: " + output).isZero();
  }

  private static void unmount(Path at) throws Exception {
    Process p = new ProcessBuilder("umount", at.toString()).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    p.waitFor();
  }

  @Test
  void theDefaultOwnerIsQuietAndANamedOwnerMustExist() throws Exception {
    Path qcow = TestImages.qcow2(dir, "base.qcow2", (int) MIB, 8, "1.1");
    String sum = serve("/base.qcow2", qcow);
    Path arch =
        architecture(
            "owner: our-team\nimages:\n"
                + image("one", server.uri("/base.qcow2").toString(), "sha256", sum, "2M")
                + image("two", server.uri("/base.qcow2").toString(), "sha256", sum, "4M"));
    String[] common = {
      "--architecture-path", arch.toString(), "--image-output-path", out.resolve("x").toString()
    };

    // a named user that does not exist: exit 2 before anything is fetched or built
    Result wrong = run(concat(common, "--generated-image-owner", "no-such-user-here"));
    assertThat(wrong.exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(wrong.err())
        .isEqualTo(
            "gen-vm-image: error: --generated-image-owner: no such user 'no-such-user-here'"
                + " (leave the option out to give the images to the distribution's QEMU user,"
                + " qemu or libvirt-qemu)\n");
    assertThat(run(concat(common, "--dry-run", "--generated-image-owner", "no-such-user-here")))
        .extracting(Result::exit)
        .isEqualTo(ExitCode.USAGE.code());
    assertThat(server.requests()).isEmpty();
    assertThat(out).doesNotExist();

    // the default: the distribution's QEMU user where there is one, else the owner is left as it
    // is; no warning either way, and with -v one note for the whole run
    Result quiet = run(common);
    assertThat(quiet.exit()).as(quiet.err()).isZero();
    assertThat(quiet.err()).doesNotContain("warning").doesNotContain("owner");
    String qemuUser =
        ImageOwner.distributionDefault().user(); // null on a machine with neither user
    for (String key : List.of("one", "two")) {
      if (qemuUser != null && isRoot()) {
        assertThat(Files.getOwner(out.resolve(key + ".qcow2")).getName()).isEqualTo(qemuUser);
      }
    }
    Files.delete(out.resolve("one.qcow2"));
    Files.delete(out.resolve("two.qcow2"));
    Result verbose = run(concat(common, "-v"));
    assertThat(verbose.exit()).as(verbose.err()).isZero();
    assertThat(verbose.err()).doesNotContain("warning");
    if (qemuUser == null) {
      assertThat(verbose.err().lines().filter(l -> l.contains("keep the owner")))
          .singleElement()
          .asString()
          .contains("neither a qemu nor a libvirt-qemu user exists here");
    } else {
      assertThat(verbose.err())
          .contains("the images go to " + qemuUser + ", the distribution's QEMU user");
    }
    assertThat(verbose.err()).contains("the architecture file's owner is our-team");
  }

  @Test
  void faultsEndWithTheirExitCodeAndLeaveNothingBehind() throws Exception {
    Path qcow = TestImages.qcow2(dir, "base.qcow2", (int) MIB, 6, "1.1");
    byte[] bytes = Files.readAllBytes(qcow);
    String sum = serve("/base.qcow2", qcow);
    server.status("/error.qcow2", 500);
    byte[] gzip = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    server.serve("/image.tar.gz", gzip);
    server.serve("/stall.qcow2", bytes).stallAfter(1000, 100);
    String closed = "http://127.0.0.1:" + freePort() + "/x.qcow2";
    String wrongSum = "0".repeat(64);

    record Fault(String name, String url, String value, String size, int exit, String message) {}
    List<Fault> faults =
        List.of(
            new Fault(
                "http404",
                server.uri("/nothing.qcow2").toString(),
                sum,
                "2M",
                ExitCode.DOWNLOAD_FAILED.code(),
                "404"),
            new Fault(
                "http500",
                server.uri("/error.qcow2").toString(),
                sum,
                "2M",
                ExitCode.DOWNLOAD_FAILED.code(),
                "500"),
            new Fault(
                "refused",
                closed,
                "c".repeat(64),
                "2M",
                ExitCode.DOWNLOAD_FAILED.code(),
                "127.0.0.1"),
            new Fault(
                "stalled",
                server.uri("/stall.qcow2").toString(),
                sum,
                "2M",
                ExitCode.DOWNLOAD_FAILED.code(),
                "stall"),
            new Fault(
                "mismatch",
                server.uri("/base.qcow2").toString(),
                wrongSum,
                "2M",
                ExitCode.CHECKSUM_MISMATCH.code(),
                "checksum mismatch"),
            new Fault(
                "archive",
                server.uri("/image.tar.gz").toString(),
                TestHttpServer.sha256(gzip),
                "2M",
                ExitCode.TOOL_FAILED.code(),
                "gzip"),
            new Fault(
                "shrink",
                server.uri("/base.qcow2").toString(),
                sum,
                "512K",
                ExitCode.INVALID_INPUT.code(),
                "smaller than the base image's virtual size"));
    for (Fault f : faults) {
      Path arch =
          architecture(
              "owner: t\nimages:\n" + image(f.name(), f.url(), "sha256", f.value(), f.size()));
      Path output = out.resolve(f.name()).resolve("image.qcow2");
      Result r =
          run(
              "--architecture-path", arch.toString(),
              "--image-output-path", output.toString(),
              "--stall-timeout", "1");
      assertThat(r.exit()).as(f.name() + ": " + r.err()).isEqualTo(f.exit());
      assertThat(r.err()).as(f.name()).contains(f.message());
      assertThat(TestImages.listFiles(output.getParent())).as(f.name()).isEmpty();
      assertThat(TestImages.listFiles(cache))
          .as(f.name() + ": no unverified file under a final name")
          .allMatch(
              p ->
                  p.endsWith(".part")
                      || p.endsWith(".json")
                      || p.endsWith(".lock")
                      || verifiedEntry(p));
    }
  }

  /** A cache entry under a final name must hash to its name. */
  private boolean verifiedEntry(String relative) {
    try {
      Path file = cache.resolve(relative);
      String name = file.getFileName().toString();
      return TestHttpServer.sha256(Files.readAllBytes(file)).equals(name);
    } catch (IOException e) {
      return false;
    }
  }

  @Test
  void invalidArchitectureFilesAreReportedWithPositions() throws Exception {
    Path arch =
        architecture(
            "owner: t\nimages:\n  ok:\n    name: n\n    version: 1\n    get_url: http://127.0.0.1:1/x\n"
                + "    checksum:\n      type: sha257\n      value: abc\n    size: 10X\n    colour: red\n");
    Result r =
        run(
            "--architecture-path",
            arch.toString(),
            "--image-output-path",
            out.resolve("i.qcow2").toString());
    assertThat(r.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(r.err())
        .contains(arch + ":8:")
        .contains("images.ok.checksum.type")
        .contains("images.ok.size")
        .contains("images.ok.colour");
    assertThat(out).doesNotExist();
  }

  @Test
  void theDefaultArchitectureFileMissingSuggestsTheExample() {
    Result r = CliRun.gen("--cache-dir", cache.toString());
    if (Files.exists(Path.of("architecture.yml"))) {
      return; // a real architecture.yml in the working folder: nothing to check here
    }
    assertThat(r.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(r.err()).contains("examples/architecture.yml");
  }

  @Test
  void usageErrors() throws Exception {
    Result unknown = run("--architecure-path", "x.yml");
    assertThat(unknown.exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(unknown.err()).contains("--architecture-path").contains("--help");

    Path qcow = TestImages.qcow2(dir, "base.qcow2", (int) MIB, 7, "1.1");
    String sum = serve("/base.qcow2", qcow);
    Path arch =
        architecture(
            "owner: t\nimages:\n"
                + image("one", server.uri("/base.qcow2").toString(), "sha256", sum, "2M"));
    Result noSuchImage = run("--architecture-path", arch.toString(), "--image", "two");
    assertThat(noSuchImage.exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(noSuchImage.err()).contains("--image two").contains("one");
  }

  @Test
  void anOutputFolderThatCannotBeCreatedIsAnInputError() throws Exception {
    Path qcow = TestImages.qcow2(dir, "base.qcow2", (int) MIB, 8, "1.1");
    String sum = serve("/base.qcow2", qcow);
    Path arch =
        architecture(
            "owner: t\nimages:\n"
                + image("one", server.uri("/base.qcow2").toString(), "sha256", sum, "2M"));
    Path blocker = dir.resolve("file");
    Files.writeString(blocker, "not a folder");
    Result r =
        run(
            "--architecture-path",
            arch.toString(),
            "--image-output-path",
            blocker.resolve("sub/image.qcow2").toString());
    assertThat(r.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(r.err()).contains("cannot create the output folder");
    assertThat(server.requests()).isEmpty();
  }

  static void git(Path folder, String... args) {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    new org.genvmimage.process.ProcessRunner()
        .run(org.genvmimage.process.CommandSpec.of(command).withWorkingDir(folder));
  }

  @Test
  void gocdConfigOnlyWritesTheConfigFromTheGitRemoteAndBuildsNothing() throws Exception {
    String url = server.uri("/base.qcow2").toString();
    Path arch =
        architecture(
            "owner: t\nimages:\n"
                + image("one", url, "sha256", "a".repeat(64), "2M")
                + image("two", url, "sha256", "b".repeat(64), "2M"));
    git(dir, "init", "-q");
    git(dir, "remote", "add", "origin", "https://bot:s3cret@git.example.org/team/vm-images.git");
    Path config = dir.resolve("gocd").resolve("1.gocd.yml");

    Result first =
        run(
            "--architecture-path",
            arch.toString(),
            "--image-output-path",
            out.resolve("image.qcow2").toString(),
            "--generate-gocd-config",
            "--gocd-config-only",
            "--gocd-config-name",
            config.toString(),
            "--gocd-build-branch",
            "release");
    assertThat(first.exit()).as(first.err()).isZero();
    assertThat(first.out()).isEqualTo(config + System.lineSeparator());
    assertThat(first.err()).contains("warning: the git remote's URL holds credentials");
    assertThat(first.err() + first.out()).doesNotContain("s3cret");
    String yaml = Files.readString(config);
    assertThat(yaml)
        .contains("git: \"https://git.example.org/team/vm-images.git\"\n")
        .contains("branch: release\n")
        .contains("ARGS: --architecture-path architecture.yml --image two\n")
        .contains("template: bare_metal_vm_image\n")
        .doesNotContain("s3cret")
        .doesNotContain("bot");
    assertThat(server.requests()).isEmpty();
    assertThat(out).doesNotExist();

    byte[] bytes = Files.readAllBytes(config);
    Result second =
        run(
            "--architecture-path",
            arch.toString(),
            "--gocd-config-only",
            "--gocd-config-name",
            config.toString(),
            "--gocd-build-branch",
            "release");
    assertThat(second.exit()).isZero();
    assertThat(Files.readAllBytes(config)).isEqualTo(bytes);
    try (var files = Files.list(config.getParent())) {
      assertThat(files).containsExactly(config);
    }
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void gocdConfigWithInlineStagesAndSecrets() throws Exception {
    Path arch =
        architecture(
            "owner: t\nimages:\n"
                + image("one", server.uri("/x.qcow2").toString(), "sha256", "a".repeat(64), "2M"));
    Path config = dir.resolve("pipelines.gocd.yaml");
    Result r =
        run(
            "--architecture-path",
            arch.toString(),
            "--gocd-config-only",
            "--gocd-config-name",
            config.toString(),
            "--gocd-material-url",
            "https://github.com/example/vm-images.git",
            "--gocd-material-username",
            "ci-bot",
            "--gocd-material-password-secret",
            "github:token",
            "--gocd-group",
            "images",
            "--gocd-inline-stages",
            "--gocd-lock-behavior",
            "unlockWhenFinished");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(Files.readString(config))
        .contains("group: images\n")
        .contains("lock_behavior: unlockWhenFinished\n")
        .contains("username: ci-bot\n")
        .contains("password: \"{{SECRET:[github][token]}}\"\n")
        .contains("source: vm-images/generated-images/image.qcow2\n")
        .doesNotContain("\n    template:");
    assertThat(server.requests()).isEmpty();
  }

  @Test
  void gocdConfigWithoutARemoteOrUrlIsAOneLineUsageError() throws Exception {
    Path arch =
        architecture(
            "owner: t\nimages:\n"
                + image("one", server.uri("/x.qcow2").toString(), "sha256", "a".repeat(64), "2M"));
    Path config = dir.resolve("1.gocd.yml");
    Result r =
        run(
            "--architecture-path",
            arch.toString(),
            "--generate-gocd-config",
            "--gocd-config-name",
            config.toString());
    assertThat(r.exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err().strip().lines()).hasSize(1);
    assertThat(r.err()).contains("not in a git repository; pass --gocd-material-url URL");
    assertThat(config).doesNotExist();
    assertThat(server.requests()).isEmpty();

    Result plain =
        run(
            "--architecture-path",
            arch.toString(),
            "--gocd-config-only",
            "--gocd-config-name",
            config.toString(),
            "--gocd-material-url",
            "https://user:pw@example.org/r.git");
    assertThat(plain.exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(plain.err()).contains("must not hold credentials");
    Result badSecret =
        run(
            "--architecture-path",
            arch.toString(),
            "--gocd-config-only",
            "--gocd-config-name",
            config.toString(),
            "--gocd-material-url",
            "https://example.org/r.git",
            "--gocd-material-password-secret",
            "hunter2");
    assertThat(badSecret.exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(badSecret.err()).contains("expected CONFIG_ID:KEY").doesNotContain("hunter2 ");
    assertThat(config).doesNotExist();
  }

  @Test
  void generateGocdConfigWritesTheConfigAndThenBuilds() throws Exception {
    Path qcow = TestImages.qcow2(dir, "base.qcow2", (int) MIB, 3, "1.1");
    String sum = serve("/base.qcow2", qcow);
    Path arch =
        architecture(
            "owner: t\nimages:\n"
                + image("one", server.uri("/base.qcow2").toString(), "sha256", sum, "2M"));
    Path config = dir.resolve("1.gocd.yml");
    Path output = out.resolve("image.qcow2");
    Result r =
        run(
            "--architecture-path",
            arch.toString(),
            "--image-output-path",
            output.toString(),
            "--generate-gocd-config",
            "--gocd-config-name",
            config.toString(),
            "--gocd-material-url",
            "https://github.com/example/vm-images.git");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().lines().toList()).first().isEqualTo(config.toString());
    assertThat(r.out()).contains("one  built");
    assertThat(config).exists();
    assertImage(output, 2 * MIB);
  }

  @Test
  void helpAndVersion() {
    Result help = run("--help");
    assertThat(help.exit()).isZero();
    assertThat(help.out())
        .contains("--architecture-path=ARCHITECTURE_PATH")
        .contains("Default: architecture.yml")
        .contains("generated-images/image.qcow2")
        .contains("Default: qemu, the distribution's QEMU")
        .contains("1.gocd.yml")
        .contains("--generate-gocd-config")
        .contains("--gocd-build-branch")
        .contains("--gocd-config-only")
        .contains("--gocd-material-url")
        .contains("--gocd-inline-stages")
        .contains("Default: bare_metal_vm_image")
        .contains("Exit codes:");
    Result version = run("--version");
    assertThat(version.exit()).isZero();
    assertThat(version.out()).startsWith("gen-vm-image ");
  }

  static void assertImage(Path file, long virtualSize) throws IOException {
    var info = TestImages.info(file);
    assertThat(info.get("format").asText()).isEqualTo("qcow2");
    assertThat(info.get("virtual-size").asLong()).isEqualTo(virtualSize);
    assertThat(info.at("/format-specific/data/compat").asText()).isEqualTo("1.1");
  }

  static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
