package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.genvmimage.cli.GenVmImageCommandTest.MIB;
import static org.genvmimage.cli.GenVmImageCommandTest.assertImage;
import static org.genvmimage.cli.GenVmImageCommandTest.image;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.genvmimage.cli.CliRun.Result;
import org.genvmimage.core.ExitCode;
import org.genvmimage.download.TestHttpServer;
import org.genvmimage.image.OutputPaths;
import org.genvmimage.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gen-vm-image's --image-output-path: a folder to write into (trailing slash, existing folder), the
 * same paths in the build, its dry run and its JSON report, and a failed run that leaves no folder
 * or cache lock behind. Loopback HTTP, the real qemu-img, real files.
 */
class OutputPathTest {
  @TempDir Path dir;
  TestHttpServer server;
  Path cache;
  Path out;
  String sum;
  String url;

  @BeforeEach
  void start() throws IOException {
    server = TestHttpServer.start();
    cache = dir.resolve("cache");
    out = dir.resolve("out");
    Path qcow = TestImages.qcow2(dir, "base.qcow2", (int) MIB, 21, "1.1");
    byte[] bytes = Files.readAllBytes(qcow);
    server.serve("/base.qcow2", bytes);
    sum = TestHttpServer.sha256(bytes);
    url = server.uri("/base.qcow2").toString();
  }

  @AfterEach
  void stop() {
    server.close();
  }

  Result run(String... args) {
    return CliRun.genWithCache(cache, args);
  }

  Path architecture(String images) throws IOException {
    Path file = dir.resolve("architecture.yml");
    Files.writeString(file, "owner: t\nimages:\n" + images);
    return file;
  }

  Path oneImage() throws IOException {
    return architecture(image("one", url, "sha256", sum, "4M"));
  }

  /** The output path of each image in the JSON report. */
  static List<String> outputs(Result r) throws IOException {
    List<String> paths = new ArrayList<>();
    r.json().path("images").forEach(i -> paths.add(i.path("output_path").asText()));
    return paths;
  }

  @Test
  void aTrailingSlashIsAFolderToWriteIntoAndTheDryRunSaysSo() throws Exception {
    Path arch = oneImage();
    Path folder = out.resolve("newdir");
    String written = folder + "/";
    Path expected = folder.resolve(OutputPaths.DEFAULT_FILE_NAME);

    Result dry =
        run(
            "--architecture-path",
            arch.toString(),
            "--image-output-path",
            written,
            "--dry-run",
            "--output",
            "json");
    assertThat(dry.exit()).as(dry.err()).isZero();
    assertThat(outputs(dry)).containsExactly(expected.toString());
    assertThat(out).doesNotExist();
    Result dryText =
        run("--architecture-path", arch.toString(), "--image-output-path", written, "--dry-run");
    assertThat(dryText.out()).contains("one: would create " + expected);

    Result built =
        run(
            "--architecture-path",
            arch.toString(),
            "--image-output-path",
            written,
            "--output",
            "json");
    assertThat(built.exit()).as(built.err()).isZero();
    assertThat(outputs(built)).containsExactly(expected.toString());
    assertThat(folder).isDirectory();
    assertImage(expected, 4 * MIB);
    assertThat(TestImages.listFiles(folder))
        .containsExactlyInAnyOrder(
            "image.qcow2",
            ".image.qcow2.gen-vm-image.json",
            "SHA256SUMS",
            ".SHA256SUMS.gen-vm-image.json");
  }

  @Test
  void anExistingFolderIsAFolderToWriteIntoInTheDryRunAndTheRunWithOrWithoutOverwrite()
      throws Exception {
    Path arch = oneImage();
    Files.createDirectories(out);
    Path expected = out.resolve("image.qcow2");
    for (List<String> extra : List.of(List.<String>of(), List.of("--overwrite"))) {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--architecture-path", arch.toString(), "--image-output-path", out.toString()));
      args.addAll(extra);
      List<String> dryArgs = new ArrayList<>(args);
      dryArgs.addAll(List.of("--dry-run", "--output", "json"));
      Result dry = run(dryArgs.toArray(String[]::new));
      assertThat(dry.exit()).as(extra + ": " + dry.err()).isZero();
      assertThat(outputs(dry)).containsExactly(expected.toString());
      Result real = run(args.toArray(String[]::new));
      assertThat(real.exit()).as(extra + ": " + real.err()).isZero();
      assertThat(real.out()).containsPattern("one +(built|up to date) +" + expected);
    }
    assertImage(expected, 4 * MIB);
    assertThat(TestImages.listFiles(out))
        .containsExactlyInAnyOrder(
            "image.qcow2",
            ".image.qcow2.gen-vm-image.json",
            "SHA256SUMS",
            ".SHA256SUMS.gen-vm-image.json");
  }

  @Test
  void severalImagesGoIntoTheFolderAsTheirKeys() throws Exception {
    Path arch =
        architecture(
            image("alpha", url, "sha256", sum, "2M") + image("beta", url, "sha256", sum, "3M"));
    Path folder = out.resolve("many");
    Result dry =
        run(
            "--architecture-path",
            arch.toString(),
            "--image-output-path",
            folder + "/",
            "--dry-run",
            "--output",
            "json");
    assertThat(outputs(dry))
        .containsExactly(
            folder.resolve("alpha.qcow2").toString(), folder.resolve("beta.qcow2").toString());
    Result r = run("--architecture-path", arch.toString(), "--image-output-path", folder + "/");
    assertThat(r.exit()).as(r.err()).isZero();
    assertImage(folder.resolve("alpha.qcow2"), 2 * MIB);
    assertImage(folder.resolve("beta.qcow2"), 3 * MIB);
  }

  @Test
  void aFolderWhereTheImageWouldBeWrittenIsRefusedAlikeByTheDryRunAndTheRun() throws Exception {
    Path arch =
        architecture(
            image("alpha", url, "sha256", sum, "2M") + image("beta", url, "sha256", sum, "3M"));
    Files.createDirectories(out.resolve("alpha.qcow2"));
    for (boolean overwrite : List.of(false, true)) {
      List<String> args =
          new ArrayList<>(
              List.of(
                  "--architecture-path",
                  arch.toString(),
                  "--image-output-path",
                  out.resolve("image.qcow2").toString(),
                  "--image",
                  "alpha"));
      if (overwrite) {
        args.add("--overwrite");
      }
      List<String> dryArgs = new ArrayList<>(args);
      dryArgs.add("--dry-run");
      Result dry = run(dryArgs.toArray(String[]::new));
      Result real = run(args.toArray(String[]::new));
      assertThat(dry.exit()).as(dry.err()).isEqualTo(ExitCode.INVALID_INPUT.code());
      assertThat(real.exit()).as(real.err()).isEqualTo(ExitCode.INVALID_INPUT.code());
      assertThat(real.err()).contains(out.resolve("alpha.qcow2") + ": is a folder");
    }
    assertThat(TestImages.listFiles(out)).isEmpty();
  }

  @Test
  void aFailedRunRemovesTheOutputFoldersItCreatedAndLeavesNoCacheLock() throws Exception {
    Files.createDirectories(out);
    Path output = out.resolve("a/b/c/image.qcow2");
    int refused;
    try (ServerSocket s = new ServerSocket(0)) {
      refused = s.getLocalPort();
    }
    String wrong = TestHttpServer.sha256(new byte[] {1});
    record Case(String name, String image, int exit) {}
    List<Case> cases =
        List.of(
            new Case(
                "mismatch",
                image("one", url, "sha256", wrong, "4M"),
                ExitCode.CHECKSUM_MISMATCH.code()),
            new Case(
                "refused",
                image("one", "http://127.0.0.1:" + refused + "/x.qcow2", "sha256", sum, "4M"),
                ExitCode.DOWNLOAD_FAILED.code()),
            new Case(
                "missing",
                image("one", url + "-gone", "sha256", sum, "4M"),
                ExitCode.DOWNLOAD_FAILED.code()),
            // a step after the download: the size is below the base image's
            new Case(
                "too small",
                image("one", url, "sha256", sum, "512K"),
                ExitCode.INVALID_INPUT.code()));
    server.status("/base.qcow2-gone", 404);
    for (Case c : cases) {
      Path arch = architecture(c.image());
      Result r =
          run("--architecture-path", arch.toString(), "--image-output-path", output.toString());
      assertThat(r.exit()).as(c.name() + ": " + r.err()).isEqualTo(c.exit());
      assertThat(out.resolve("a")).as(c.name()).doesNotExist();
      assertThat(TestImages.listFiles(out)).as(c.name()).isEmpty();
      List<String> files = cacheFiles();
      assertThat(files)
          .as(c.name() + ": a lock file only beside a verified download")
          .filteredOn(f -> f.matches(".*/[0-9a-f]+\\.lock"))
          .allMatch(f -> files.contains(f.substring(0, f.length() - ".lock".length())));
    }
    // the one verified download stays, with its lock file; nothing else
    assertThat(cacheFiles())
        .containsExactlyInAnyOrder(
            ".lock", "sha256/" + sum, "sha256/" + sum + ".json", "sha256/" + sum + ".lock");
  }

  @Test
  void aFolderThatWasThereStaysAndAFolderThatGotAnImageStays() throws Exception {
    Files.createDirectories(out.resolve("a"));
    Path arch =
        architecture(
            image("good", url, "sha256", sum, "2M")
                + image("bad", url, "sha256", TestHttpServer.sha256(new byte[] {2}), "2M"));
    Result r =
        run(
            "--architecture-path",
            arch.toString(),
            "--image-output-path",
            out.resolve("a/b/image.qcow2").toString());
    assertThat(r.exit()).isEqualTo(ExitCode.CHECKSUM_MISMATCH.code());
    assertThat(TestImages.listFiles(out.resolve("a/b")))
        .containsExactlyInAnyOrder(
            "good.qcow2",
            ".good.qcow2.gen-vm-image.json",
            "SHA256SUMS",
            ".SHA256SUMS.gen-vm-image.json");

    Result only =
        run(
            "--architecture-path",
            arch.toString(),
            "--image-output-path",
            out.resolve("a/c/image.qcow2").toString(),
            "--image",
            "bad");
    assertThat(only.exit()).isEqualTo(ExitCode.CHECKSUM_MISMATCH.code());
    assertThat(out.resolve("a/c")).doesNotExist();
    assertThat(out.resolve("a")).isDirectory();
  }

  @Test
  void anEmptyOutputPathIsAUsageError() throws Exception {
    Result r = run("--architecture-path", oneImage().toString(), "--image-output-path", "");
    assertThat(r.exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("--image-output-path must not be empty");
  }

  private List<String> cacheFiles() throws IOException {
    if (!Files.isDirectory(cache)) {
      return List.of();
    }
    try (Stream<Path> files = Files.walk(cache)) {
      return files.filter(Files::isRegularFile).map(f -> cache.relativize(f).toString()).toList();
    }
  }
}
