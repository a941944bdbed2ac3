package org.genvmimage.cloudinit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

@Timeout(60)
class SeedBuilderTest {
  private static final String CLOUD_CONFIG =
      """
      #cloud-config
      users:
        - name: ops
          sudo: ALL=(ALL) NOPASSWD:ALL
      runcmd:
        - [touch, /root/configured]
      """;
  private static final String META_DATA = "instance-id: iid-local01\nlocal-hostname: vm\n";

  @TempDir Path dir;

  private Path file(String name, String content) throws IOException {
    return file(name, content.getBytes(UTF_8));
  }

  private Path file(String name, byte[] content) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    return Files.write(file, content);
  }

  private SeedBuilder builder(String userData, String metaData) throws IOException {
    return new SeedBuilder()
        .userData(file("user-data", userData))
        .metaData(file("meta-data", metaData))
        .vendorData(dir.resolve("vendor-data"), false)
        .networkConfig(dir.resolve("network-config"), false);
  }

  private List<String> problems(SeedBuilder builder) {
    SeedException e = catchThrowableOfType(SeedException.class, builder::build);
    assertThat(e).as("expected the seed to be rejected").isNotNull();
    assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(e.getMessage()).isEqualTo(String.join("\n", e.problems()));
    return e.problems();
  }

  @Test
  void validSeedHoldsTheGivenFilesAndLeavesOutMissingOptionalOnes() throws IOException {
    Seed seed = builder(CLOUD_CONFIG, META_DATA).build();

    assertThat(seed.files()).extracting(SeedFile::name).containsExactly("meta-data", "user-data");
    assertThat(seed.files()).extracting(SeedFile::format).containsExactly("YAML", "#cloud-config");
    assertThat(seed.files().get(1).content()).isEqualTo(CLOUD_CONFIG.getBytes(UTF_8));
    assertThat(seed.warnings()).isEmpty();
    assertThat(seed.volumeLabel()).isEqualTo("cidata");
  }

  @Test
  void optionalFilesAreIncludedWhenPresent() throws IOException {
    file("vendor-data", "");
    file("network-config", "version: 2\nethernets:\n  eth0:\n    dhcp4: true\n");

    Seed seed = builder(CLOUD_CONFIG, META_DATA).build();

    assertThat(seed.files())
        .extracting(SeedFile::name)
        .containsExactly("meta-data", "network-config", "user-data", "vendor-data");
    assertThat(seed.warnings()).isEmpty();
  }

  @Test
  void missingRequiredFilesAreNamed() {
    Path userData = dir.resolve("cloud-init-config/user-data");
    Path vendorData = dir.resolve("cloud-init-config/vendor-data");
    SeedBuilder builder =
        new SeedBuilder()
            .userData(userData)
            .metaData(dir.resolve("cloud-init-config/meta-data"))
            .vendorData(vendorData, true);

    assertThat(problems(builder))
        .containsExactly(
            userData + " not found (user-data is required)",
            dir.resolve("cloud-init-config/meta-data") + " not found (meta-data is required)",
            vendorData + " not found (vendor-data is required)");
  }

  @Test
  void relativePathsAreReportedAsGiven() {
    Path userData = Path.of("cloud-init-config", "no-such-user-data");
    SeedBuilder builder = new SeedBuilder().userData(userData).metaData(userData);

    assertThat(problems(builder))
        .first()
        .isEqualTo("cloud-init-config/no-such-user-data not found (user-data is required)");
  }

  @Test
  void folderInsteadOfFile() throws IOException {
    Files.createDirectory(dir.resolve("meta-data"));
    SeedBuilder builder =
        new SeedBuilder()
            .userData(file("user-data", CLOUD_CONFIG))
            .metaData(dir.resolve("meta-data"));

    assertThat(problems(builder))
        .containsExactly(
            dir.resolve("meta-data")
                + ":1:1: is a folder (expected the cloud-init meta-data file)");
  }

  @Test
  void yamlErrorsGiveFileLineAndColumn() throws IOException {
    String broken = "#cloud-config\nusers:\n  - name: ops\n   groups: [wheel\n";
    List<String> problems = problems(builder(broken, "instance-id: a\n  bad: indent\n"));

    assertThat(problems).hasSize(2);
    assertThat(problems.get(0)).startsWith(dir.resolve("user-data") + ":4:");
    assertThat(problems.get(1)).startsWith(dir.resolve("meta-data") + ":2:6: ");
    assertThat(problems.get(1)).contains("mapping values are not allowed here");
  }

  @Test
  void cloudConfigMustBeAMapping() throws IOException {
    List<String> problems = problems(builder("#cloud-config\n- a\n- b\n", META_DATA));

    assertThat(problems)
        .containsExactly(
            dir.resolve("user-data")
                + ":2:1: cloud-config must be a mapping of 'key: value' lines, found a list");
  }

  @Test
  void duplicateKeysAreReportedWithBothPositions() throws IOException {
    String twice = "#cloud-config\nruncmd: [a]\npackages: [b]\nruncmd: [c]\n";

    assertThat(problems(builder(twice, META_DATA)))
        .containsExactly(
            dir.resolve("user-data")
                + ":4:1: duplicate key 'runcmd' (first at 2:1); cloud-init would keep only the last"
                + " one: remove or merge one");
  }

  @Test
  void nestedDuplicatesAreReportedInFileOrderAndRecursiveAliasesEnd() throws IOException {
    String yaml =
        "#cloud-config\nloop: &x [1, *x]\nusers:\n  - name: a\n    name: b\n"
            + "write_files:\n  - path: /a\n    path: /b\nloop2: *x\n";

    assertThat(problems(builder(yaml, META_DATA)))
        .containsExactly(
            dir.resolve("user-data")
                + ":5:5: duplicate key 'name' (first at 4:5); cloud-init would keep only the last"
                + " one: remove or merge one",
            dir.resolve("user-data")
                + ":8:5: duplicate key 'path' (first at 7:5); cloud-init would keep only the last"
                + " one: remove or merge one");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "'#!/bin/sh\necho hi\n'                                 | script",
        "'  #CLOUD-CONFIG\nhostname: x\n'                        | #cloud-config",
        "'#include\nhttps://example.invalid/a\n'                 | #include",
        "'#include-once\nhttps://example.invalid/a\n'            | #include-once",
        "'#cloud-boothook\n#!/bin/sh\necho\n'                    | #cloud-boothook",
        "'#part-handler\ndef list_types(): pass\n'               | #part-handler",
        "'## template: jinja\n#cloud-config\nhostname: {{ v }}'  | jinja template",
        "'#cloud-config-archive\n- type: text/cloud-config\n'    | #cloud-config-archive",
        "'#cloud-config-jsonp\n[]\n'                             | #cloud-config-jsonp",
        "'Content-Type: multipart/mixed; boundary=\"b\"\nMIME-Version: 1.0\n\n--b--\n' | MIME multipart",
      })
  void formatsCloudInitAcceptsAreTakenAsTheyAre(String userData, String format) throws IOException {
    Seed seed = builder(userData, META_DATA).build();

    assertThat(seed.files())
        .filteredOn(f -> f.name().equals("user-data"))
        .extracting(SeedFile::format)
        .containsExactly(format);
  }

  @Test
  void gzipUserDataIsTakenAsItIs() throws IOException {
    ByteArrayOutputStream gz = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(gz)) {
      out.write(CLOUD_CONFIG.getBytes(UTF_8));
    }
    Seed seed =
        new SeedBuilder()
            .userData(file("user-data", gz.toByteArray()))
            .metaData(file("meta-data", META_DATA))
            .build();

    assertThat(seed.files().get(1).format()).isEqualTo("gzip");
  }

  @Test
  void userDataWithoutAHeaderIsRejectedWithAHint() throws IOException {
    assertThat(problems(builder("users:\n  - name: ops\n", META_DATA)))
        .containsExactly(
            dir.resolve("user-data")
                + ":1:1: cloud-config must start with the line '#cloud-config' (the first line is"
                + " 'users:'); without it cloud-init ignores the file");
    assertThat(problems(builder("echo hello\n", META_DATA)))
        .singleElement()
        .asString()
        .startsWith(dir.resolve("user-data") + ":1:1: not a format cloud-init acts on")
        .contains("(the first line is 'echo hello')");
    assertThat(problems(builder("Content-Type: text/x-shellscript\n\n#!/bin/sh\n", META_DATA)))
        .singleElement()
        .asString()
        .contains("has no 'MIME-Version:' header");
  }

  @Test
  void byteOrderMarkAndNonUtf8AreRejected() throws IOException {
    assertThat(problems(builder("\uFEFF#cloud-config\na: 1\n", META_DATA)))
        .singleElement()
        .asString()
        .contains("starts with a byte order mark");

    byte[] latin1 =
        "#cloud-config\nhostname: caf\u00e9\n"
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    SeedBuilder builder =
        new SeedBuilder()
            .userData(file("user-data", latin1))
            .metaData(file("meta-data", META_DATA));
    assertThat(problems(builder))
        .containsExactly(
            dir.resolve("user-data")
                + ":2:14: not UTF-8 text (byte 0xe9); cloud-init reads seed files as UTF-8");
  }

  @Test
  void metaDataMayBeJsonOrEmptyButNotAList() throws IOException {
    Seed json =
        builder(CLOUD_CONFIG, "{\"instance-id\": \"iid-1\", \"local-hostname\": \"vm\"}").build();
    assertThat(json.warnings()).isEmpty();

    assertThat(problems(builder(CLOUD_CONFIG, "- instance-id\n")))
        .containsExactly(
            dir.resolve("meta-data")
                + ":1:1: meta-data must be a mapping of 'key: value' lines, found a list");
  }

  @Test
  void metaDataWithoutInstanceIdIsAWarningThatSaysWhatItImplies() throws IOException {
    for (String metaData : List.of("", "local-hostname: vm\n", "instance-id:\n")) {
      Seed seed = builder(CLOUD_CONFIG, metaData).build();

      assertThat(seed.warnings())
          .as(metaData)
          .singleElement()
          .asString()
          .startsWith(dir.resolve("meta-data") + ": has no 'instance-id'")
          .contains("'nocloud'", "same instance", "per-instance modules");
    }
  }

  @Test
  void networkConfigMustBeAMapping() throws IOException {
    file("network-config", "- eth0\n");

    assertThat(problems(builder(CLOUD_CONFIG, META_DATA)))
        .containsExactly(
            dir.resolve("network-config")
                + ":1:1: network-config must be a mapping of 'key: value' lines, found a list");
  }

  @Test
  void vendorDataIsCheckedLikeUserData() throws IOException {
    file("vendor-data", "#cloud-config\nbad: [\n");

    assertThat(problems(builder(CLOUD_CONFIG, META_DATA)))
        .singleElement()
        .asString()
        .startsWith(dir.resolve("vendor-data") + ":3:1: ");
  }

  @Test
  void otherWarnings() throws IOException {
    file("network-config", "ethernets: {}\n");
    Seed seed = builder("#!/bin/bash\r\necho hi\r\n", META_DATA).build();

    assertThat(seed.warnings())
        .containsExactly(
            dir.resolve("user-data")
                + ": has Windows line endings (CRLF); the guest would see a '\\r' at the end of"
                + " each line (\"bad interpreter\"); save it with LF line endings",
            dir.resolve("network-config")
                + ": has no 'version' key; cloud-init expects 'version: 1' or 'version: 2' (or a"
                + " 'network:' mapping that holds one)");
    assertThat(builder("", META_DATA).build().warnings())
        .contains(dir.resolve("user-data") + ": is empty, so cloud-init has no user data to apply");
  }

  @Test
  void everyProblemInEveryFileIsReportedTogether() throws IOException {
    file("network-config", "[1, 2]\n");
    SeedBuilder builder = builder("hello\n", "- x\n").vendorData(dir.resolve("vd"), true);

    assertThat(problems(builder))
        .hasSize(4)
        .anySatisfy(p -> assertThat(p).startsWith(dir.resolve("user-data") + ":"))
        .anySatisfy(p -> assertThat(p).startsWith(dir.resolve("meta-data") + ":"))
        .anySatisfy(p -> assertThat(p).startsWith(dir.resolve("vd") + " not found"))
        .anySatisfy(p -> assertThat(p).startsWith(dir.resolve("network-config") + ":"));
  }

  @Test
  void writesTheIsoAtomicallyCreatingTheFolder() throws Exception {
    file("vendor-data", "#cloud-config\n{}\n");
    Seed seed = builder(CLOUD_CONFIG, META_DATA).build();
    Path output = dir.resolve("image-config/seed.img");

    seed.write(output);

    assertThat(output).exists();
    assertThat(Files.size(output)).isEqualTo(seed.imageSize());
    assertThat(IsoTools.list(dir, output, true))
        .containsExactly("/meta-data", "/user-data", "/vendor-data");
    assertThat(IsoTools.extract(dir, output, "/user-data")).isEqualTo(CLOUD_CONFIG.getBytes(UTF_8));
    assertThat(IsoTools.run(dir, "blkid", "-p", "-o", "export", output.toString()).lines())
        .contains("LABEL=cidata", "TYPE=iso9660");
    try (var listing = Files.list(output.getParent())) {
      assertThat(listing).containsExactly(output);
    }
    assertThat(Files.getPosixFilePermissions(output))
        .containsExactlyInAnyOrder(
            java.nio.file.attribute.PosixFilePermission.OWNER_READ,
            java.nio.file.attribute.PosixFilePermission.OWNER_WRITE);

    byte[] first = Files.readAllBytes(output);
    seed.write(output);
    assertThat(Files.readAllBytes(output)).isEqualTo(first);
  }

  @Test
  void outputThatIsAFolderIsRefused() throws IOException {
    Seed seed = builder(CLOUD_CONFIG, META_DATA).build();
    Path folder = Files.createDirectory(dir.resolve("seed.img"));

    GenVmException e = catchThrowableOfType(GenVmException.class, () -> seed.write(folder));

    assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(e.getMessage())
        .isEqualTo(folder + ": is a folder; the seed output must be a file path");
  }

  @Test
  void describeListsFilesSizesAndFormats() throws IOException {
    Seed seed = builder(CLOUD_CONFIG, META_DATA).build();

    assertThat(seed.describe())
        .containsExactly(
            "cloud-init seed: ISO 9660 with Joliet names, volume label 'cidata', 354 KiB",
            String.format(
                "  %-15s %10s  %-22s %s",
                "meta-data", META_DATA.length() + " B", "YAML", dir.resolve("meta-data")),
            String.format(
                "  %-15s %10s  %-22s %s",
                "user-data",
                CLOUD_CONFIG.length() + " B",
                "#cloud-config",
                dir.resolve("user-data")));
  }

  @Test
  void aDepthBombInUserDataIsOneLineWithItsPosition() throws IOException {
    String userData = "#cloud-config\nusers: " + "[".repeat(10_000) + "]".repeat(10_000) + "\n";
    assertThat(problems(builder(userData, META_DATA)))
        .containsExactly(
            dir.resolve("user-data")
                + ":2:107: more than 100 lists and mappings nested in each other (a limit against"
                + " files made to exhaust the reader); flatten the structure");
  }

  @Test
  void anAliasBombInMetaDataIsOneLineWithItsPosition() throws IOException {
    StringBuilder metaData = new StringBuilder("instance-id: a\nx0: &a0 [lol, lol, lol]\n");
    for (int level = 1; level <= 12; level++) {
      String previous = "*a" + (level - 1);
      metaData.append("x").append(level).append(": &a").append(level).append(" [");
      metaData.append(String.join(", ", java.util.Collections.nCopies(10, previous)));
      metaData.append("]\n");
    }
    assertThat(problems(builder(CLOUD_CONFIG, metaData.toString())))
        .containsExactly(
            dir.resolve("meta-data")
                + ":8:10: more than 50 aliases to lists and mappings (a limit against 'billion"
                + " laughs' files); write the repeated values out");
  }

  @Test
  void aSyntaxErrorInUserDataSaysWhatToDo() throws IOException {
    String userData = "#cloud-config\nusers:\n  - name: ops\n   shell: /bin/bash\n";
    assertThat(problems(builder(userData, META_DATA)))
        .containsExactly(
            dir.resolve("user-data")
                + ":4:4: expected <block end>, but found '<block mapping start>' (while parsing"
                + " a block collection at 3:3); check the indentation: this line is deeper than"
                + " the items of the list at 3:3, but not in line with the keys of the item above"
                + " it");
  }

  @Test
  void aControlCharacterInMetaDataHasItsPosition() throws IOException {
    assertThat(problems(builder(CLOUD_CONFIG, "instance-id: a\nlocal-hostname: b\u0007\n")))
        .containsExactly(
            dir.resolve("meta-data")
                + ":2:18: special characters are not allowed (U+0007); remove it, or write it as"
                + " an escape in a double-quoted string");
  }
}
