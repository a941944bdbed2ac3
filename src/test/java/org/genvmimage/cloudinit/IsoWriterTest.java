package org.genvmimage.cloudinit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Writes images and reads them back with isoinfo, isovfy and blkid. */
@Timeout(120)
class IsoWriterTest {
  @TempDir Path dir;

  private static final byte[] USER_DATA = "#cloud-config\nusers:\n  - name: ops\n".getBytes(UTF_8);
  private static final byte[] META_DATA =
      "instance-id: iid-local01\nlocal-hostname: vm\n".getBytes(UTF_8);

  private static List<IsoFile> seedFiles() {
    return List.of(
        new IsoFile("user-data", USER_DATA),
        new IsoFile("meta-data", META_DATA),
        new IsoFile("vendor-data", new byte[0]),
        new IsoFile("network-config", bytes(5000, 1)));
  }

  private Path write(List<IsoFile> files) throws IOException {
    Path iso = Files.createTempFile(dir, "seed", ".iso");
    IsoWriter.write("cidata", files, iso);
    return iso;
  }

  @Test
  void isoinfoSeesVolumeLabelAndJoliet() throws Exception {
    Path iso = write(seedFiles());

    String info = IsoTools.run(dir, "isoinfo", "-d", "-i", iso.toString());

    assertThat(info)
        .contains("Volume id: cidata")
        .contains("Logical block size is: 2048")
        .contains("Volume size is: " + Files.size(iso) / 2048)
        .contains("Joliet with UCS level 3 found");
    assertThat(Files.size(iso) % 2048).isZero();
    assertThat(Files.size(iso)).isEqualTo(IsoWriter.imageSize(seedFiles()));
  }

  @Test
  void blkidReportsAnIso9660FilesystemLabelledCidata() throws Exception {
    Path iso = write(seedFiles());

    String export = IsoTools.run(dir, "blkid", "-p", "-o", "export", iso.toString());

    assertThat(export.lines()).contains("TYPE=iso9660", "LABEL=cidata");
  }

  @Test
  void isovfyFindsNoErrors() throws Exception {
    Path iso = write(seedFiles());

    String report = IsoTools.run(dir, "isovfy", iso.toString());

    assertThat(report).contains("No errors found");
  }

  @Test
  void jolietTreeHasTheExactNamesAndPrimaryTreeLevel1Names() throws Exception {
    Path iso = write(seedFiles());

    assertThat(IsoTools.list(dir, iso, true))
        .containsExactly("/meta-data", "/network-config", "/user-data", "/vendor-data");
    assertThat(IsoTools.list(dir, iso, false))
        .containsExactly("/META_DAT.;1", "/NETWORK_.;1", "/USER_DAT.;1", "/VENDOR_D.;1");
  }

  @Test
  void contentRoundTripsByteForByte() throws Exception {
    byte[] oneSector = bytes(2048, 2);
    byte[] justOver = bytes(2049, 3);
    byte[] mebibyte = bytes(1024 * 1024 + 17, 4);
    List<IsoFile> files =
        List.of(
            new IsoFile("user-data", USER_DATA),
            new IsoFile("meta-data", META_DATA),
            new IsoFile("empty", new byte[0]),
            new IsoFile("one-sector", oneSector),
            new IsoFile("just-over", justOver),
            new IsoFile("large.bin", mebibyte),
            new IsoFile("zzz-empty-last", new byte[0]));
    Path iso = write(files);

    for (IsoFile file : files) {
      assertThat(IsoTools.extract(dir, iso, "/" + file.name()))
          .as(file.name())
          .isEqualTo(file.content());
    }
    String listing = IsoTools.run(dir, "isoinfo", "-J", "-l", "-i", iso.toString());
    assertThat(listing).contains(" " + mebibyte.length + " ").contains("large.bin");
  }

  @Test
  void sameInputGivesTheSameBytesInAnyOrder() throws IOException {
    List<IsoFile> shuffled = new ArrayList<>(seedFiles());
    Collections.reverse(shuffled);

    byte[] first = bytes(seedFiles());
    byte[] again = bytes(seedFiles());
    byte[] reversed = bytes(shuffled);

    assertThat(again).isEqualTo(first);
    assertThat(reversed).isEqualTo(first);
    assertThat(bytes(List.of(new IsoFile("user-data", META_DATA)))).isNotEqualTo(first);
  }

  @Test
  void folderSpanningSeveralSectorsIsReadable() throws Exception {
    List<IsoFile> files =
        IntStream.range(0, 120)
            .mapToObj(i -> new IsoFile(String.format("file-%03d-%s", i, "x".repeat(40)), bytes(i)))
            .toList();
    Path iso = write(files);

    assertThat(IsoTools.list(dir, iso, true)).hasSize(120).contains("/" + files.get(119).name());
    assertThat(IsoTools.list(dir, iso, false)).hasSize(120).doesNotHaveDuplicates();
    assertThat(IsoTools.extract(dir, iso, "/" + files.get(77).name()))
        .isEqualTo(files.get(77).content());
    assertThat(IsoTools.run(dir, "isovfy", iso.toString())).contains("No errors found");
  }

  @Test
  void nonAsciiAndLongJolietNamesSurvive() throws Exception {
    String longName = "n".repeat(IsoWriter.MAX_NAME_LENGTH);
    Path iso = write(List.of(new IsoFile("données", bytes(3)), new IsoFile(longName, bytes(4))));

    // isoinfo has no UTF-8 output; Latin-1 holds these names.
    byte[] listing =
        IsoTools.runBytes(dir, "isoinfo", "-J", "-j", "iso8859-1", "-f", "-i", iso.toString());
    assertThat(new String(listing, StandardCharsets.ISO_8859_1).lines())
        .containsExactly("/données", "/" + longName);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "user-data                 | USER_DAT.;1",
        "meta-data                 | META_DAT.;1",
        "network-config            | NETWORK_.;1",
        "config.yaml               | CONFIG.YAM;1",
        "a.b.c                     | A_B.C;1",
        ".hidden                   | .HID;1",
        "é                         | _.;1",
      })
  void level1Identifiers(String name, String id) {
    assertThat(IsoWriter.primaryIdentifiers(List.of(name))).containsExactly(id);
  }

  @Test
  void level1IdentifiersStayUnique() {
    assertThat(IsoWriter.primaryIdentifiers(List.of("user-data", "user_data", "user-data-2")))
        .containsExactly("USER_DAT.;1", "USER_DA1.;1", "USER_DA2.;1");
  }

  @Test
  void level1OrderPadsNamesAndExtensionsWithSpaces() {
    List<String> ids = new ArrayList<>(List.of("A.B1;1", "A.B;1", "AB.;1", "A.;1", "A0.;1"));
    ids.sort(IsoWriter::comparePrimaryIds);
    assertThat(ids).containsExactly("A.;1", "A.B;1", "A.B1;1", "A0.;1", "AB.;1");
  }

  @Test
  void rejectsBadLabelsAndNames() {
    List<IsoFile> ok = List.of(new IsoFile("user-data", USER_DATA));
    assertThatThrownBy(() -> bytes("ci data", ok)).hasMessageContaining("volume label 'ci data'");
    assertThatThrownBy(() -> bytes("x".repeat(33), ok)).hasMessageContaining("1 to 32");
    assertThatThrownBy(() -> bytes(List.of(new IsoFile("", USER_DATA))))
        .hasMessageContaining("empty");
    assertThatThrownBy(() -> bytes(List.of(new IsoFile("a/b", USER_DATA))))
        .hasMessageContaining("U+002F");
    assertThatThrownBy(() -> bytes(List.of(new IsoFile("x".repeat(65), USER_DATA))))
        .hasMessageContaining("65 characters (at most 64)");
    assertThatThrownBy(() -> bytes(List.of(new IsoFile("..", USER_DATA))))
        .hasMessageContaining("not a file name");
    assertThatThrownBy(
            () ->
                bytes(
                    List.of(
                        new IsoFile("user-data", USER_DATA), new IsoFile("User-Data", META_DATA))))
        .hasMessageContaining("'User-Data': used twice");
  }

  @Test
  void fileContentCannotChangeAfterwards() {
    byte[] content = "one".getBytes(UTF_8);
    IsoFile file = new IsoFile("f", content);
    content[0] = 'X';
    file.content()[1] = 'X';
    assertThat(file.content()).isEqualTo("one".getBytes(UTF_8));
    assertThat(file).isEqualTo(new IsoFile("f", "one".getBytes(UTF_8)));
  }

  private static byte[] bytes(List<IsoFile> files) throws IOException {
    return bytes("cidata", files);
  }

  private static byte[] bytes(String label, List<IsoFile> files) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    IsoWriter.write(label, files, out);
    return out.toByteArray();
  }

  private static byte[] bytes(int length) {
    return bytes(length, length);
  }

  private static byte[] bytes(int length, long seed) {
    byte[] bytes = new byte[length];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }
}
