package org.genvmimage.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class QemuImgCommandsTest {
  private static final QemuImgCommands Q = new QemuImgCommands();
  private static final Path IMG = Path.of("/var/lib/images/debian.qcow2");

  static Stream<Arguments> commands() {
    return Stream.of(
        row(q -> q.info(IMG), "qemu-img info --output=json /var/lib/images/debian.qcow2"),
        row(
            q -> q.info(Path.of("downloads/rocky.img")),
            "qemu-img info --output=json ./downloads/rocky.img"),
        row(
            q -> q.convert(Path.of("/cache/ab12"), "raw", Path.of("/out/.x.qcow2.tmp")),
            "qemu-img convert -p -f raw -O qcow2 -o compat=1.1 /cache/ab12 /out/.x.qcow2.tmp"),
        row(
            q -> q.convert(Path.of("in.qcow2"), "qcow2", Path.of("../out.qcow2")),
            "qemu-img convert -p -f qcow2 -O qcow2 -o compat=1.1 ./in.qcow2 ../out.qcow2"),
        row(
            q -> q.amend(IMG, "qcow2", "compat=1.1"),
            "qemu-img amend -f qcow2 -o compat=1.1 /var/lib/images/debian.qcow2"),
        row(
            q -> q.resize(IMG, "qcow2", 10L << 30),
            "qemu-img resize -f qcow2 /var/lib/images/debian.qcow2 10737418240"),
        row(
            q -> q.createOverlay(Path.of("/tmp/o/overlay.qcow2"), IMG, "raw"),
            "qemu-img create -q -f qcow2 -o compat=1.1 -b /var/lib/images/debian.qcow2 -F raw"
                + " /tmp/o/overlay.qcow2"),
        row(
            q -> q.check(IMG, "qcow2"),
            "qemu-img check --output=json -f qcow2 /var/lib/images/debian.qcow2"),
        row(
            q -> new QemuImgCommands("/opt/qemu/bin/qemu-img").check(IMG, "vmdk"),
            "/opt/qemu/bin/qemu-img check --output=json -f vmdk /var/lib/images/debian.qcow2"));
  }

  private static Arguments row(Function<QemuImgCommands, List<String>> build, String expected) {
    return Arguments.of(build.apply(Q), expected);
  }

  @ParameterizedTest
  @MethodSource("commands")
  void buildsArgumentLists(List<String> command, String expected) {
    assertThat(command).containsExactly(expected.split(" "));
  }

  @ParameterizedTest
  @CsvSource(
      nullValues = "-",
      value = {
        "qcow2, -,                zstd, '-c -o compat=1.1,compression_type=zstd'",
        "qcow2, -,                zlib, -c -o compat=1.1",
        "qcow2, -,                -,    -o compat=1.1",
        "raw,   -,                -,    ''",
        "vmdk,  -,                -,    -o subformat=monolithicSparse",
        "vmdk,  streamOptimized,  -,    -o subformat=streamOptimized",
        "vpc,   fixed,            -,    '-o subformat=fixed,force_size=on'",
        "vpc,   dynamic,          -,    '-o subformat=dynamic,force_size=on'",
        "vhdx,  fixed,            -,    -o subformat=fixed",
        "vhdx,  -,                -,    ''",
      })
  void convertWritesTheSubformatAndCompressedClusters(
      String format, String subformat, String compression, String options) {
    List<String> command =
        Q.convert(
            Path.of("/in.qcow2"),
            "qcow2",
            Path.of("/out.img"),
            new TargetFormat(format, subformat, compression));
    String expected =
        ("qemu-img convert -p -f qcow2 -O " + format + " " + options + " /in.qcow2 /out.img")
            .replaceAll(" +", " ");
    assertThat(String.join(" ", command)).isEqualTo(expected);
  }

  @Test
  void aTargetFormatTakesNoOptionsOfItsOwn() {
    assertThatThrownBy(() -> new TargetFormat("vmdk", "streamOptimized,zeroed_grain=on", null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TargetFormat("qcow2", null, "zstd,data_file=x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new TargetFormat("vmdk", null, "zstd"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThat(Q.create(IMG, new TargetFormat("qcow2", null, "zstd"), 1 << 20))
        .containsSequence("-o", "compat=1.1,compression_type=zstd");
    assertThat(new TargetFormat("qcow2", null, "zstd")).hasToString("qcow2 (zstd-compressed)");
    assertThat(new TargetFormat("vpc", "fixed", null)).hasToString("vpc (fixed)");
    assertThat(Q.info(IMG, "vpc"))
        .containsExactly("qemu-img", "info", "--output=json", "-f", "vpc", IMG.toString());
  }

  @ParameterizedTest
  @CsvSource({
    "/abs/-x.img,      /abs/-x.img",
    "-x.img,           ./-x.img",
    "'nbd:host:10809', './nbd:host:10809'",
    "'json:{}',        './json:{}'",
    "./a.img,          ./a.img",
    "../a.img,         ../a.img",
    "'a b/c:d.img',    './a b/c:d.img'",
  })
  void pathsAreNeverOptionsOrProtocols(String path, String expected) {
    assertThat(QemuImgCommands.file(Path.of(path))).isEqualTo(expected);
    assertThat(Q.info(Path.of(path))).last().isEqualTo(expected);
  }

  @Test
  void rejectsBadArguments() {
    assertThatThrownBy(() -> Q.check(IMG, "-U")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Q.check(IMG, "qcow2,x")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Q.resize(IMG, "qcow2", 0))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Q.amend(IMG, "qcow2", ""))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Q.amend(IMG, "qcow2", "--force"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Q.info(Path.of(""))).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aBlankDiskWithExtrasGetsSecretObjectsBackingFileAndASecondOptionList() {
    QemuImgCommands commands = new QemuImgCommands();
    CreateExtras extras =
        new CreateExtras(
            "base-image",
            "qcow2",
            "encrypt.format=luks,encrypt.key-secret=sec0",
            List.of(new CreateExtras.Secret("sec0", Path.of("/keys/a,b"))),
            "sec0");
    assertThat(commands.create(Path.of("/out/x.qcow2"), "qcow2", 1024, extras))
        .containsExactly(
            "qemu-img",
            "create",
            "-q",
            "--object",
            "secret,id=sec0,file=/keys/a,,b,format=raw",
            "-f",
            "qcow2",
            "-o",
            "compat=1.1",
            "-o",
            "encrypt.format=luks,encrypt.key-secret=sec0",
            "-b",
            "base-image",
            "-F",
            "qcow2",
            "/out/x.qcow2",
            "1024");
    assertThat(commands.check(Path.of("/out/x,1.qcow2"), "qcow2", extras))
        .containsExactly(
            "qemu-img",
            "check",
            "--output=json",
            "--object",
            "secret,id=sec0,file=/keys/a,,b,format=raw",
            "--image-opts",
            "driver=qcow2,file.filename=/out/x,,1.qcow2,encrypt.key-secret=sec0");
    assertThat(commands.create(Path.of("/out/x.raw"), "raw", 1024, CreateExtras.NONE))
        .isEqualTo(commands.create(Path.of("/out/x.raw"), "raw", 1024));
    assertThat(commands.check(Path.of("/out/x.raw"), "raw", CreateExtras.NONE))
        .isEqualTo(commands.check(Path.of("/out/x.raw"), "raw"));
  }
}
