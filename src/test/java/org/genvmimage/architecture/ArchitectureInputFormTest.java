package org.genvmimage.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The newer form of an image ({@code input}, {@code output}, {@code format}) beside the seed's, and
 * mirror lists. The upstream files are copied as the upstream project writes them.
 */
class ArchitectureInputFormTest {
  private static final String SHA256 =
      "39277948d53a10f1087454a1e0ed1c9bb48b48f6a4ddbf5113adc36f70be6730";
  private static final String ROCKY =
      "https://download.rockylinux.org/pub/rocky/9/images/x86_64/"
          + "Rocky-9-GenericCloud-Base.latest.x86_64.qcow2";

  @TempDir Path dir;

  /**
   * The upstream project's examples/download-cloud-image-example.yml, as it is: a url without a
   * checksum is accepted, with a warning that names its line.
   */
  @Test
  void acceptsTheUpstreamDownloadExampleWithoutAChecksumWithAWarning() throws IOException {
    Architecture architecture =
        load(
            """
            owner: the-owner-name
            images:
              image-1:
                name: rocky
                version: 9.4
                format: qcow2
                size: 120G
                input:
                  url: %s
                  format: qcow2
              local:
                name: l
                size: 1G
                input: {path: /tmp/l.qcow2}
            """
                .formatted(ROCKY));
    ImageSpec image = architecture.images().get("image-1");
    assertThat(image.checksum()).isNull();
    assertThat(image.unverifiedDownload()).isTrue();
    assertThat(image.unverifiedLocal()).isFalse();
    assertThat(image.sources()).containsExactly(URI.create(ROCKY));
    assertThat(architecture.images().get("local").unverifiedLocal()).isTrue();
    assertThat(architecture.warnings()).containsOnlyKeys("image-1");
    assertThat(architecture.warnings().get("image-1"))
        .matches(
            ".*:9: images\\.image-1\\.input\\.url has no checksum: the download is not verified"
                + " \\(give input\\.checksum\\)");
  }

  /** The upstream project's examples/download-cloud-image-checksum-example.yml, as it is. */
  @Test
  void acceptsTheUpstreamDownloadExample() throws IOException {
    Architecture architecture =
        load(
            """
            owner: the-owner-name
            images:
              image-1:
                name: rocky
                version: 9.4
                format: qcow2
                size: 120G
                input:
                  url: %s
                  format: qcow2
                  checksum:
                    type: sha256
                    value: %s
            """
                .formatted(ROCKY, SHA256));
    ImageSpec image = architecture.images().get("image-1");
    assertThat(image.version()).isEqualTo("9.4");
    assertThat(image.sources()).containsExactly(URI.create(ROCKY));
    assertThat(image.checksum()).isEqualTo(ChecksumSpec.ofHex("sha256", SHA256));
    assertThat(image.inputFormat()).isEqualTo("qcow2");
    assertThat(image.size()).isEqualTo(DiskSize.parse("120G"));
    assertThat(image.outputPath()).isNull();
  }

  /**
   * The upstream project's examples/architecture.yml (a local path, no checksum) and the parts of
   * its tests/res/advanced_architecture.yml that this version builds: blank disks, a version left
   * out, a relative input path and an output path.
   */
  @Test
  void acceptsTheUpstreamLocalAndBlankImages() throws IOException {
    Architecture architecture =
        load(
            """
            owner: the-owner-name
            images:
              image-1:
                name: Rocky
                version: 9.4
                format: qcow2
                size: 120G
                input:
                 path: /path/to/rocky.qcow2
                 format: qcow2
              input_path_image:
                name: input-path-image
                version: 12
                format: qcow2
                size: 20G
                input:
                 path: tests/res/test.qcow2
                 format: qcow2
              non_version_image_test:
                name: non-version-image
                size: 10G
              image_with_output_path:
                name: image-with-output-path
                version: 9.4
                format: qcow2
                size: 10G
                output:
                  path: tests/tmp/image-with-output-path.qcow2
                  format: qcow2
            """);
    ImageSpec local = architecture.images().get("image-1");
    assertThat(local.sources()).containsExactly(Path.of("/path/to/rocky.qcow2").toUri());
    assertThat(local.checksum()).isNull();
    assertThat(local.unverifiedLocal()).isTrue();
    assertThat(architecture.images().get("input_path_image").source())
        .isEqualTo(dir.resolve("tests/res/test.qcow2").toUri());
    ImageSpec blank = architecture.images().get("non_version_image_test");
    assertThat(blank.blank()).isTrue();
    assertThat(blank.version()).isNull();
    assertThat(blank.checksum()).isNull();
    assertThat(architecture.images().get("image_with_output_path").outputPath())
        .isEqualTo(Path.of("tests/tmp/image-with-output-path.qcow2"));
  }

  @Test
  void acceptsMirrorListsInBothForms() throws IOException {
    Architecture architecture =
        load(
            """
            owner: acme
            images:
              seed:
                name: rocky
                version: 9.4
                get_url:
                  - https://a.example.org/rocky.qcow2
                  - https://b.example.org/pub/rocky.qcow2
                checksum: {type: sha256, value: file:https://a.example.org/CHECKSUM}
                size: 10G
              newer:
                name: rocky
                size: 10G
                input:
                  url: [https://a.example.org/rocky.qcow2, https://c.example.org/rocky.qcow2]
                  checksum: {type: sha256, value: %s}
            """
                .formatted(SHA256));
    assertThat(architecture.images().get("seed").sources())
        .containsExactly(
            URI.create("https://a.example.org/rocky.qcow2"),
            URI.create("https://b.example.org/pub/rocky.qcow2"));
    assertThat(architecture.images().get("newer").sources()).hasSize(2);
  }

  @Test
  void reportsAFormatThisVersionDoesNotWrite() throws IOException {
    Path file =
        write(
            """
            owner: acme
            images:
              image-2:
                name: test-image-2
                version: 9.4
                format: vdi
                size: 10G
              typo:
                name: t
                format: vhdxx
                size: 10G
              differ:
                name: d
                size: 10G
                format: raw
                output:
                  format: vmdk
            """);
    String writes = "(it writes: qcow2, raw, vmdk, vhdx, vpc; vhd means vpc)";
    assertThat(problems(file))
        .containsExactly(
            file
                + ":6:13: images.image-2.format: format 'vdi' is not written by this version "
                + writes,
            file
                + ":10:13: images.typo.format: format 'vhdxx' is unknown; did you mean 'vhdx'? "
                + writes,
            file
                + ":17:15: images.differ.output.format: 'vmdk' differs from the image's format"
                + " 'raw'");
  }

  @Test
  void readsEachOutputFormatAndVhdAsVpc() throws IOException {
    Path file =
        write(
            """
            owner: acme
            images:
              a: {name: a, size: 1G}
              b: {name: b, size: 1G, format: RAW}
              c: {name: c, size: 1G, output: {format: vmdk}}
              d: {name: d, size: 1G, format: vhdx, output: {format: vhdx}}
              e: {name: e, size: 1G, format: vhd}
              f: {name: f, size: 1G, format: vpc, output: {format: vhd}}
            """);
    Architecture architecture = ArchitectureLoader.load(file);
    assertThat(architecture.images().values().stream().map(ImageSpec::outputFormat))
        .containsExactly("qcow2", "raw", "vmdk", "vhdx", "vpc", "vpc");
  }

  @Test
  void reportsProblemsOfTheNewerFormAtTheirPositions() throws IOException {
    Path file =
        write(
            """
            owner: acme
            images:
              nosize:
                name: a
                input:
                  path: a.qcow2
              both:
                name: b
                size: 1G
                input:
                  url: https://example.org/b.qcow2
                  path: b.qcow2
              unchecked:
                name: c
                size: 1G
                input:
                  url: https://example.org/c.qcow2
              badformat:
                name: d
                size: 1G
                input:
                  path: d.qcow2
                  format: qcwo2
              sameout1:
                name: e
                size: 1G
                output: {path: out/e.qcow2}
              sameout2:
                name: f
                size: 1G
                output: {path: ./out/e.qcow2}
              urlpath:
                name: g
                size: 1G
                input: {path: 'https://example.org/g.qcow2'}
              stray:
                name: h
                size: 1G
                checksum: {type: sha256, value: %s}
              mixed:
                name: i
                version: 1
                size: 1G
                get_url: https://example.org/i.qcow2
                checksum: {type: sha256, value: %s}
                input: {path: i.qcow2}
              desc:
                name: j
                size: 1G
                descripton: a typo
            """
                .formatted(SHA256, SHA256));
    assertThat(problems(file))
        .containsExactly(
            file
                + ":3:3: images.nosize.size: required key is missing (expected a disk size,"
                + " e.g. '10G')",
            file
                + ":12:7: images.both.input.path: 'url' and 'path' both given (expected one:"
                + " 'url' to download the image, 'path' for a local file)",
            file
                + ":23:15: images.badformat.input.format: unknown image format 'qcwo2'; did you"
                + " mean 'qcow2'?",
            file
                + ":31:20: images.sameout2.output.path: the same output path as"
                + " images.sameout1.output.path (at line 27, column 20); give each image its own",
            file
                + ":35:19: images.urlpath.input.path: 'https://example.org/g.qcow2' is a URL"
                + " (expected a local file, absolute or relative to the architecture file; use"
                + " 'url' for a URL)",
            file
                + ":39:5: images.stray.checksum: a checksum without get_url (expected it under"
                + " 'input', beside input.url or input.path)",
            file
                + ":46:5: images.mixed.input: 'get_url' and 'input' both given (expected one: give"
                + " get_url with checksum, or input)",
            file
                + ":50:5: images.desc.descripton: unknown key (expected one of: name, version,"
                + " get_url, checksum, size, format, subformat, compression, input, output,"
                + " extra_kwargs)");
  }

  @Test
  void subformatAndCompressionAreReadInBothFormsOnTheImageOrInOutput() throws IOException {
    Architecture architecture =
        load(
            """
            owner: o
            images:
              seed:
                name: s
                version: 1
                get_url: https://example.org/s.qcow2
                checksum: {type: sha256, value: %1$s}
                size: 10G
                compression: ZSTD
              azure:
                name: a
                size: 30G
                format: vhd
                subformat: Fixed
                input: {url: https://example.org/a.qcow2, checksum: {type: sha256, value: %1$s}}
              vsphere:
                name: v
                size: 10G
                input: {path: base.qcow2}
                output: {path: out/v.vmdk, format: vmdk, subformat: streamoptimized}
              both:
                name: b
                size: 10G
                format: qcow2
                compression: zlib
                output: {format: qcow2, compression: zlib}
              plain:
                name: p
                size: 10G
                format: vhdx
            """
                .formatted(SHA256));
    var images = architecture.images();
    assertThat(images.get("seed").compression()).isEqualTo("zstd");
    assertThat(images.get("seed").outputFormat()).isEqualTo("qcow2");
    assertThat(images.get("seed").subformat()).isNull();
    assertThat(images.get("azure").outputFormat()).isEqualTo("vpc");
    assertThat(images.get("azure").subformat()).isEqualTo("fixed");
    assertThat(images.get("azure").compression()).isNull();
    assertThat(images.get("vsphere").subformat()).isEqualTo("streamOptimized");
    assertThat(images.get("vsphere").outputPath()).isEqualTo(Path.of("out/v.vmdk"));
    assertThat(images.get("both").compression()).isEqualTo("zlib");
    assertThat(images.get("plain").subformat()).isEqualTo("dynamic"); // the default
  }

  @Test
  void aCompressionOrSubformatThatDoesNotFitIsReportedWithTheChoices() throws IOException {
    Path file =
        write(
            """
            owner: o
            images:
              a: {name: a, size: 1G, format: raw, compression: zstd}
              b: {name: b, size: 1G, compression: gzip}
              c: {name: c, size: 1G, format: vhdx, subformat: streamOptimized}
              d: {name: d, size: 1G, format: vmdk, subformat: streamoptimised}
              e: {name: e, size: 1G, format: vmdk, output: {subformat: [x]}}
              f: {name: f, size: 1G, format: bogus, compression: zstd}
            """);

    assertThat(problems(file))
        .containsExactly(
            file
                + ":3:52: images.a.compression: a raw image has no compression (choices: zstd,"
                + " zlib, for a qcow2 image only)",
            file
                + ":4:39: images.b.compression: compression 'gzip' is unknown (choices: zstd,"
                + " zlib, for a qcow2 image)",
            file
                + ":5:51: images.c.subformat: subformat 'streamOptimized' is unknown (a vhdx"
                + " image is written as: dynamic, fixed)",
            file
                + ":6:51: images.d.subformat: subformat 'streamoptimised' is unknown; did you"
                + " mean 'streamOptimized'? (a vmdk image is written as: monolithicSparse,"
                + " streamOptimized)",
            file
                + ":7:60: images.e.output.subformat: expected a string (a subformat, e.g."
                + " 'streamOptimized' for vmdk), found a sequence",
            file
                + ":8:34: images.f.format: format 'bogus' is not written by this version (it"
                + " writes: qcow2, raw, vmdk, vhdx, vpc; vhd means vpc)");
  }

  private Architecture load(String yaml) throws IOException {
    return ArchitectureLoader.load(write(yaml));
  }

  private Path write(String yaml) throws IOException {
    return Files.writeString(dir.resolve("arch.yml"), yaml);
  }

  private static List<String> problems(Path file) {
    ArchitectureException failure =
        catchThrowableOfType(ArchitectureException.class, () -> ArchitectureLoader.load(file));
    assertThat(failure).as("load must fail").isNotNull();
    return failure.problems();
  }
}
