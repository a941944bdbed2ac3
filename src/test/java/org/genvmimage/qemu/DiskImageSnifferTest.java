package org.genvmimage.qemu;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.genvmimage.qemu.TestImages.MIB;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HexFormat;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.process.CommandSpec;
import org.genvmimage.process.ProcessRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DiskImageSnifferTest {
  private static final String UNPACK =
      " archive, not a disk image; point get_url at the uncompressed image (or unpack it first)";

  private final QemuImg qemuImg = new RealQemuImg(new ProcessRunner());

  @TempDir Path dir;

  /** What qemu-img says about the file, then what the sniffer says. */
  private void sniff(Path file) {
    DiskImageSniffer.requireDiskImage(file, qemuImg.info(file));
  }

  private GenVmException rejection(Path file) {
    GenVmException e = catchThrowableOfType(GenVmException.class, () -> sniff(file));
    assertThat(e).as("rejection of %s", file).isNotNull();
    assertThat(e.exitCode()).isEqualTo(ExitCode.TOOL_FAILED.code());
    return e;
  }

  @Test
  void acceptsQcow2() throws IOException {
    Path image = TestImages.qcow2(dir.resolve("disk.img"), "1.1");

    assertThatCode(() -> sniff(image)).doesNotThrowAnyException();
  }

  @Test
  void acceptsABlankRawDisk() throws IOException {
    Path image = dir.resolve("blank.raw");
    TestImages.qemuImg("create", "-f", "raw", image.toString(), "4M");

    assertThatCode(() -> sniff(image)).doesNotThrowAnyException();
  }

  @Test
  void acceptsARawDiskWithAnMbr() throws IOException {
    Path image = TestImages.raw(dir.resolve("mbr.raw"), 4 * MIB, 0);
    byte[] sector = new byte[512];
    byte[] bootCode =
        HexFormat.of().parseHex("eb63900000000000000000000000000000fa31c08ed08ed8bc007c");
    System.arraycopy(bootCode, 0, sector, 0, bootCode.length);
    // one Linux partition from sector 2048 to the end
    byte[] entry = HexFormat.of().parseHex("0020210083fe3f000008000000180000");
    System.arraycopy(entry, 0, sector, 446, entry.length);
    sector[510] = 0x55;
    sector[511] = (byte) 0xaa;
    try (FileChannel channel = FileChannel.open(image, StandardOpenOption.WRITE)) {
      channel.write(ByteBuffer.wrap(sector), 0);
    }

    assertThat(qemuImg.info(image).format()).isEqualTo("raw");
    assertThatCode(() -> sniff(image)).doesNotThrowAnyException();
  }

  @Test
  void rejectsGzipThatQemuImgCallsRaw() throws IOException {
    Path raw = TestImages.raw(dir.resolve("disk.raw"), MIB, 4096);
    Path gz = dir.resolve("disk.qcow2.gz");
    try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(gz))) {
      Files.copy(raw, out);
    }

    assertThat(qemuImg.info(gz).format()).isEqualTo("raw");
    assertThat(rejection(gz)).hasMessage(gz + ": is a gzip" + UNPACK);
  }

  @Test
  void rejectsXzMadeByTheXzTool() throws IOException {
    Path raw = TestImages.raw(dir.resolve("disk.raw"), MIB, 4096);
    new ProcessRunner().run(CommandSpec.of("xz", "-k", "-0", raw.toString()));
    Path xz = dir.resolve("disk.raw.xz");

    assertThat(rejection(xz)).hasMessage(xz + ": is an xz" + UNPACK);
  }

  @Test
  void rejectsZip() throws IOException {
    Path zip = dir.resolve("image.zip");
    try (ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
      out.putNextEntry(new ZipEntry("disk.qcow2"));
      out.write(new byte[4096]);
    }

    assertThat(rejection(zip)).hasMessage(zip + ": is a zip" + UNPACK);
  }

  @Test
  void rejectsAnHtmlErrorPage() throws IOException {
    Path html = dir.resolve("debian-12-generic-amd64.qcow2");
    Files.writeString(
        html,
        "<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head>\n"
            + "<body><h1>Not Found</h1></body></html>\n",
        UTF_8);

    assertThat(qemuImg.info(html).format()).isEqualTo("raw");
    assertThat(rejection(html))
        .hasMessage(
            html
                + ": looks like HTML/text, not a disk image (it starts with \"<!DOCTYPE html>"
                + " <html><head><title>404 N\"); check that get_url points at the image itself");
  }

  @Test
  void rejectsAnEmptyFile() throws IOException {
    Path empty = Files.createFile(dir.resolve("empty.img"));

    assertThat(rejection(empty)).hasMessage(empty + ": is empty, not a disk image");
  }

  @ParameterizedTest
  @CsvSource({
    "1f8b0800000000000003,           a gzip",
    "fd377a585a000004e6d6b446,       an xz",
    "425a683931415926535930,         a bzip2",
    "425a6839177245385090,           a bzip2",
    "28b52ffd2400,                   a zstd",
    "504b0304140000000800,           a zip",
    "504b0506000000000000,           a zip",
    "377abcaf271c0004,               a 7z",
  })
  void rejectsArchivesByMagic(String hex, String kind) throws IOException {
    Path file = dir.resolve("download");
    byte[] head = HexFormat.of().parseHex(hex);
    byte[] content = new byte[8192];
    System.arraycopy(head, 0, content, 0, head.length);
    Files.write(file, content);

    GenVmException e =
        catchThrowableOfType(
            GenVmException.class, () -> DiskImageSniffer.requireDiskImage(file, raw()));

    assertThat(e).hasMessage(file + ": is " + kind + UNPACK);
  }

  @Test
  void rejectsTar() throws IOException {
    Path tar = dir.resolve("image.tar");
    Path content = TestImages.raw(dir.resolve("disk.raw"), 64 * 1024, 512);
    new ProcessRunner()
        .run(CommandSpec.of("tar", "-cf", tar.toString(), "-C", dir.toString(), "disk.raw"));

    assertThat(Files.size(tar)).isGreaterThan(Files.size(content));
    assertThat(rejection(tar)).hasMessage(tar + ": is a tar" + UNPACK);
  }

  @Test
  void acceptsBinaryThatOnlyStartsLikeText() throws IOException {
    Path file = dir.resolve("disk.raw");
    byte[] content = new byte[8192];
    byte[] text = "BZh is not enough, and neither is text followed by a NUL".getBytes(UTF_8);
    System.arraycopy(text, 0, content, 0, text.length);
    Files.write(file, content);

    assertThatCode(() -> DiskImageSniffer.requireDiskImage(file, raw())).doesNotThrowAnyException();
  }

  @Test
  void rejectsImagesThatAreNotSelfContained() {
    Path file = dir.resolve("x.qcow2");

    assertThat(reject(file, new ImageInfo("qcow2", MIB, MIB, "1.1", "base.qcow2", false)))
        .hasMessage(
            file
                + ": has a backing file (base.qcow2); a downloaded base image must be"
                + " self-contained");
    assertThat(reject(file, new ImageInfo("qcow2", MIB, MIB, "1.1", null, true)))
        .hasMessage(file + ": is encrypted; a base image must be readable without a key");
    assertThat(
            reject(
                file, new ImageInfo("vmdk", MIB, MIB, null, null, false, List.of("/etc/shadow"))))
        .hasMessage(
            file
                + ": keeps its data in other files (/etc/shadow); a downloaded base image must be"
                + " self-contained");
  }

  private static GenVmException reject(Path file, ImageInfo info) {
    return catchThrowableOfType(
        GenVmException.class, () -> DiskImageSniffer.requireDiskImage(file, info));
  }

  private static ImageInfo raw() {
    return new ImageInfo("raw", 8192, 8192, null, null, false);
  }
}
