package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.genvmimage.cli.CliRun.Result;
import org.genvmimage.core.ExitCode;
import org.genvmimage.image.BuildStamp;
import org.genvmimage.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A blank disk's {@code extra_kwargs} (the upstream tool's extra qemu-img create options) end to
 * end, with the real qemu-img: a backing file, create options, an encrypted disk and its secret.
 */
class BlankDiskOptionsTest {
  static final long MIB = 1024 * 1024;

  /** A passphrase that must never be seen in any output. */
  static final String PASSPHRASE = "correct horse battery staple 7f3a";

  @TempDir Path dir;

  Result run(Path arch, String... more) {
    List<String> args = new ArrayList<>(List.of("--cache-dir", dir.resolve("cache").toString()));
    args.addAll(List.of("--architecture-path", arch.toString()));
    args.addAll(List.of(more));
    return CliRun.gen(args.toArray(String[]::new));
  }

  Path architecture(String yaml) throws IOException {
    return Files.writeString(dir.resolve("architecture.yml"), yaml);
  }

  @Test
  void aBackingFileRelativeToTheImageFolderAndOptionsArePassedAndAChangeIsAnotherImage()
      throws Exception {
    Path out = Files.createDirectories(dir.resolve("out"));
    TestImages.qcow2(out, "base.qcow2", (int) (4 * MIB), 5, "1.1");
    String yaml =
        """
        owner: o
        images:
          overlay:
            name: overlay
            size: 16M
            extra_kwargs:
              b: base.qcow2
              F: qcow2
              o: cluster_size=%s,lazy_refcounts=on
            output: {path: %s}
        """;
    Path image = out.resolve("overlay.qcow2");
    Path arch = architecture(yaml.formatted("131072", image));

    Result built = run(arch, "--output", "json");

    assertThat(built.exit()).as(built.err()).isZero();
    JsonNode info = TestImages.info(image);
    assertThat(info.get("backing-filename").asText()).isEqualTo("base.qcow2");
    assertThat(info.get("backing-filename-format").asText()).isEqualTo("qcow2");
    assertThat(info.get("cluster-size").asLong()).isEqualTo(131072);
    assertThat(info.get("virtual-size").asLong()).isEqualTo(16 * MIB);
    JsonNode data = info.get("format-specific").get("data");
    assertThat(data.get("lazy-refcounts").asBoolean()).isTrue();
    assertThat(data.get("compat").asText()).isEqualTo("1.1");
    // the base image's data shows through the overlay
    assertThat(
            TestImages.run(
                "qemu-img",
                "compare",
                "-f",
                "qcow2",
                "-F",
                "qcow2",
                out.resolve("base.qcow2").toString(),
                image.toString()))
        .contains("Images are identical");
    JsonNode report = built.json().get("images").get(0).get("create_options");
    assertThat(report.get("backing_file").asText()).isEqualTo("base.qcow2");
    assertThat(report.get("backing_format").asText()).isEqualTo("qcow2");
    assertThat(report.get("options").asText()).isEqualTo("cluster_size=131072,lazy_refcounts=on");
    assertThat(BuildStamp.read(image).orElseThrow().createOptions())
        .isEqualTo("b=base.qcow2 F=qcow2 o=cluster_size=131072,lazy_refcounts=on");

    Result again = run(arch);
    assertThat(again.exit()).as(again.err()).isZero();
    assertThat(again.out()).contains("up to date");

    architecture(yaml.formatted("65536", image));
    Result changed = run(arch);
    assertThat(changed.exit()).as(changed.err()).isEqualTo(ExitCode.OUTPUT_EXISTS.code());
    assertThat(TestImages.info(image).get("cluster-size").asLong()).isEqualTo(131072);
    Result replaced = run(arch, "--overwrite");
    assertThat(replaced.exit()).as(replaced.err()).isZero();
    assertThat(TestImages.info(image).get("cluster-size").asLong()).isEqualTo(65536);
  }

  @Test
  void aMissingBackingFileFailsTheDryRunAndTheRunAlikeAndWritesNothing() throws Exception {
    Path out = dir.resolve("out");
    Path arch =
        architecture(
            """
            owner: o
            images:
              overlay:
                name: overlay
                size: 16M
                extra_kwargs: {b: base.qcow2, F: qcow2}
                output: {path: %s}
            """
                .formatted(out.resolve("overlay.qcow2")));
    for (String mode : List.of("--dry-run", "--verbose")) {
      Files.createDirectories(out);
      Result r = run(arch, mode);
      assertThat(r.exit()).as(mode + ": " + r.err()).isEqualTo(ExitCode.INVALID_INPUT.code());
      assertThat(r.err())
          .contains(
              "images.overlay.extra_kwargs.b: the backing file "
                  + out.resolve("base.qcow2")
                  + " does not exist (a relative b is read from the image's folder "
                  + out
                  + ")");
      assertThat(out.resolve("overlay.qcow2")).doesNotExist();
      assertThat(TestImages.listFiles(out)).isEmpty();
    }
  }

  @Test
  void anEncryptedDiskTakesItsSecretFromAFileAndNeverShowsIt() throws Exception {
    Path out = Files.createDirectories(dir.resolve("out"));
    Path secret = Files.writeString(dir.resolve("passphrase"), PASSPHRASE);
    Path image = out.resolve("secure.qcow2");
    Path arch =
        architecture(
            """
            owner: o
            images:
              secure:
                name: secure
                size: 16M
                extra_kwargs:
                  o: encrypt.format=luks,encrypt.key=sec0,encrypt.iter-time=10
                output: {path: %s}
            """
                .formatted(image));

    Result missing = run(arch);
    assertThat(missing.exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(missing.err())
        .contains(
            "images.secure.extra_kwargs.o names the secret sec0: give --secret sec0=FILE (a file"
                + " that holds it)");
    assertThat(image).doesNotExist();

    Result built = run(arch, "--secret", "sec0=" + secret, "-v");
    assertThat(built.exit()).as(built.err()).isZero();
    JsonNode info = TestImages.info(image);
    assertThat(info.get("encrypted").asBoolean()).isTrue();
    assertThat(info.get("format-specific").get("data").get("encrypt").get("format").asText())
        .isEqualTo("luks");
    assertThat(built.out() + built.err()).doesNotContain(PASSPHRASE).doesNotContain("horse");
    // the passphrase opens it, another does not
    String opts = "driver=qcow2,file.filename=" + image + ",encrypt.key-secret=s";
    assertThat(
            TestImages.run(
                "qemu-img",
                "check",
                "--object",
                "secret,id=s,file=" + secret + ",format=raw",
                "--image-opts",
                opts))
        .contains("No errors were found");
    Path wrong = Files.writeString(dir.resolve("wrong"), "not it");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () ->
                TestImages.run(
                    "qemu-img",
                    "check",
                    "--object",
                    "secret,id=s,file=" + wrong + ",format=raw",
                    "--image-opts",
                    opts))
        .hasMessageContaining("Invalid password");

    Result plan = run(arch, "--secret", "sec0=" + secret, "--dry-run", "--output", "json");
    assertThat(plan.exit()).as(plan.err()).isZero();
    assertThat(plan.json().get("images").get(0).get("create_options").get("secrets").toString())
        .isEqualTo("[\"sec0\"]");
    assertThat(plan.out() + plan.err()).doesNotContain(PASSPHRASE);
    Result unreadable = run(arch, "--secret", "sec0=" + dir.resolve("nothing"));
    assertThat(unreadable.exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(unreadable.err())
        .contains("--secret sec0=" + dir.resolve("nothing") + ": not a readable file");
  }

  /**
   * The upstream project's image_with_overlay (tests/res/advanced_architecture.yml) as it is
   * written, but for its output path; its base image made beforehand, as the upstream file's
   * comment says.
   */
  @Test
  void theUpstreamOverlayImagePlansAndBuilds() throws Exception {
    Path out = Files.createDirectories(dir.resolve("tests/tmp"));
    TestImages.run(
        "qemu-img", "create", "-q", "-f", "qcow2", out.resolve("base-image").toString(), "1G");
    Path secret = Files.writeString(dir.resolve("sec0"), PASSPHRASE);
    Path arch =
        architecture(
            """
            owner: the-owner-name
            images:
              image_with_overlay:
                name: image-with-overlay
                version: 9.4
                format: qcow2
                size: 25G
                extra_kwargs:
                  # This needs to be created beforehand before it
                  # can be used as a base image for the image-with-overlay
                  b: base-image
                  F: qcow2
                  o: encrypt.format=luks,encrypt.key=sec0
                output:
                  path: %s
                  format: qcow2"""
                .formatted(out.resolve("image-with-overlay.qcow2")));

    Result plan = run(arch, "--secret", "sec0=" + secret, "--dry-run");

    assertThat(plan.exit()).as(plan.err()).isZero();
    assertThat(plan.out())
        .contains(
            "-o compat=1.1 -o encrypt.format=luks,encrypt.key-secret=sec0 -b base-image -F qcow2")
        .contains("--object secret,id=sec0,file=" + secret + ",format=raw")
        .doesNotContain(PASSPHRASE);
    assertThat(plan.err()).contains("'encrypt.key' is read as QEMU's 'encrypt.key-secret'");
    assertThat(TestImages.listFiles(out)).containsExactly("base-image");
  }
}
