package org.genvmimage.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** An image's {@code extra_kwargs}: extra {@code qemu-img create} options for a blank disk. */
class ArchitectureCreateOptionsTest {
  @TempDir Path dir;

  /** The upstream project's tests/res/advanced_architecture.yml, whole and as it is written. */
  private static final String UPSTREAM_ADVANCED =
      """
      # Copyright (C) 2024  The gen-vm-image Project by the Science HPC Center at UCPH
      owner: the-owner-name
      images:
        image-1:
          name: test-image-1
          version: 9.4
          format: qcow2
          size: 10G
        image-2:
          name: test-image-2
          version: 9.4
          format: raw
          size: 10G
        image-3:
          name: test-image-3
          version: 8.4
          format: qcow2
          size: 30G
        image-4:
          name: test-image-4
          version: 8.4
          format: raw
          size: 30G
        image-5:
          name: test-image-5
          version: 9.4
          format: raw
          size: 30G
        input_path_image:
          name: input-path-image
          version: 12
          format: qcow2
          size: 20G
          input:
           path: tests/res/test.qcow2
           format: qcow2
        convert_input_image_format:
          name: convert_input_image_format
          version: 12
          format: raw
          size: 20G
          input:
            path: tests/res/test.qcow2
            format: qcow2
        non_version_image_test:
          name: non-version-image
          format: raw
          size: 10G
        image_with_output_path:
          name: image-with-output-path
          version: 9.4
          format: qcow2
          size: 10G
          output:
            path: tests/tmp/image-with-output-path.qcow2
            format: qcow2
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
            path: tests/tmp/image-with-overlay.qcow2
            format: qcow2""";

  @Test
  void acceptsTheUpstreamAdvancedFileAsItIsAndReadsEncryptKeyAsKeySecret() throws IOException {
    Path file = write(UPSTREAM_ADVANCED);
    Architecture architecture = ArchitectureLoader.load(file);
    assertThat(architecture.images()).hasSize(10);
    CreateOptions create = architecture.images().get("image_with_overlay").create();
    assertThat(create.backingFile()).isEqualTo("base-image");
    assertThat(create.backingFormat()).isEqualTo("qcow2");
    assertThat(create.options()).isEqualTo("encrypt.format=luks,encrypt.key-secret=sec0");
    assertThat(create.secrets()).containsExactly("sec0");
    assertThat(create.encryptionSecret()).isEqualTo("sec0");
    assertThat(architecture.images().get("image-1").create()).isNull();
    assertThat(architecture.warnings().get("image_with_overlay"))
        .isEqualTo(
            file
                + ":67: images.image_with_overlay.extra_kwargs.o: 'encrypt.key' is read as"
                + " QEMU's 'encrypt.key-secret' (the id of a --secret)");
  }

  @Test
  void optionsAreSplitAsQemuReadsThemAndNameTheirSecrets() throws IOException {
    CreateOptions create =
        image(
            """
            extra_kwargs:
              o: "cluster_size=128k,encrypt.format=luks,encrypt.key-secret=k1,key-secret=k2,x=a,,b"
            """);
    assertThat(create.backingFile()).isNull();
    assertThat(create.options())
        .isEqualTo(
            "cluster_size=128k,encrypt.format=luks,encrypt.key-secret=k1,key-secret=k2,x=a,,b");
    assertThat(create.secrets()).containsExactly("k1", "k2");
    assertThat(create.encryptionSecret()).isEqualTo("k1");
    assertThat(CreateOptions.items("x=a,,b,y=2").get(0)).containsExactly("x", "a,b");
    assertThat(create.describe())
        .isEqualTo(
            "o=cluster_size=128k,encrypt.format=luks,encrypt.key-secret=k1,key-secret=k2,x=a,,b");
  }

  @Test
  void everyMistakeIsOneLineWithItsPosition() throws IOException {
    Path file =
        write(
            """
            owner: o
            images:
              unknown:
                name: u
                size: 1G
                extra_kwargs: {b: base.qcow2, F: qcow2, u: yes, f: raw}
              withinput:
                name: w
                size: 1G
                input: {path: /tmp/w.qcow2}
                extra_kwargs: {o: preallocation=metadata}
              nof:
                name: n
                size: 1G
                extra_kwargs: {b: base.qcow2}
              nob:
                name: n
                size: 1G
                extra_kwargs: {F: qcow2}
              rawbacking:
                name: r
                size: 1G
                format: raw
                extra_kwargs: {b: base.qcow2, F: qcow2}
              vmdkoptions:
                name: v
                size: 1G
                format: vmdk
                extra_kwargs: {o: a=b}
              help:
                name: h
                size: 1G
                extra_kwargs: {o: help}
              badid:
                name: b
                size: 1G
                extra_kwargs: {o: "encrypt.format=luks,encrypt.key-secret=1x"}
              inoptions:
                name: i
                size: 1G
                extra_kwargs: {o: backing_file=/x}
              badformat:
                name: f
                size: 1G
                extra_kwargs: {b: base, F: qcwo2}
              notamapping:
                name: m
                size: 1G
                extra_kwargs: -b base
            """);
    String choices =
        " (expected one of: b (the backing file), F (the backing file's format), o (create"
            + " options))";
    assertThat(problems(file))
        .containsExactly(
            file + ":6:45: images.unknown.extra_kwargs.u: unknown key" + choices,
            file + ":6:53: images.unknown.extra_kwargs.f: unknown key; did you mean 'F'?" + choices,
            file
                + ":11:5: images.withinput.extra_kwargs: applies to a new blank disk only"
                + " (qemu-img create); an image with an input is converted from it: leave out"
                + " extra_kwargs, or input for a blank disk",
            file
                + ":15:5: images.nof.extra_kwargs.F: required with 'b' (expected the backing"
                + " file's format, e.g. 'qcow2'; qemu-img will not guess it)",
            file
                + ":19:5: images.nob.extra_kwargs.b: required with 'F' (expected the backing file"
                + " that 'F' is the format of)",
            file
                + ":24:23: images.rawbacking.extra_kwargs.b: a backing file needs the qcow2"
                + " format, not 'raw'",
            file
                + ":29:23: images.vmdkoptions.extra_kwargs.o: create options apply to qcow2 and"
                + " raw images, which qemu-img creates directly; a vmdk image is made by a"
                + " conversion",
            file
                + ":33:23: images.help.extra_kwargs.o: 'help': option 'help' has no value"
                + " (expected key=value items separated by commas)",
            file
                + ":37:23: images.badid.extra_kwargs.o: secret id '1x' is not a QEMU object id"
                + " (expected a letter, then letters, digits, '_', '.' or '-')",
            file
                + ":41:23: images.inoptions.extra_kwargs.o: option 'backing_file' is given by 'b'"
                + " and 'F', not in 'o'",
            file
                + ":45:32: images.badformat.extra_kwargs.F: unknown image format 'qcwo2'; did you"
                + " mean 'qcow2'?",
            file
                + ":49:19: images.notamapping.extra_kwargs: expected a mapping with 'b' (the"
                + " backing file) and 'F' (its format), and/or 'o' (qemu-img create options),"
                + " found '-b base'");
  }

  @Test
  void anImageWithoutExtraKwargsHasNoCreateOptions() throws IOException {
    Path file = write("owner: o\nimages:\n  a: {name: a, size: 1G}\n");
    assertThat(ArchitectureLoader.load(file).images().get("a").create()).isNull();
  }

  private CreateOptions image(String extra) throws IOException {
    String yaml =
        "owner: o\nimages:\n  a:\n    name: a\n    size: 1G\n" + extra.indent(4).stripTrailing();
    return ArchitectureLoader.load(write(yaml)).images().get("a").create();
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
