package org.genvmimage.architecture;

import static java.nio.charset.StandardCharsets.UTF_16LE;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.genvmimage.core.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ArchitectureLoaderTest {
  private static final String SHA256 =
      "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

  /** A valid file; the error cases below change one part of it. Line numbers matter. */
  private static final String VALID =
      String.join(
          "\n",
          "owner: acme", // 1
          "images:", // 2
          "  rocky:", // 3
          "    name: Rocky Linux", // 4
          "    version: '9.3'", // 5
          "    get_url: https://example.org/images/rocky.qcow2", // 6
          "    checksum:", // 7
          "      type: sha256", // 8
          "      value: " + SHA256, // 9
          "    size: 10G", // 10
          "");

  @TempDir Path dir;

  @Test
  void loadsAValidMultiImageFile() throws IOException {
    Path file =
        write(
            String.join(
                "\n",
                "# images for the CI runners",
                "owner: acme",
                "images:",
                "  rocky-9:",
                "    name: Rocky Linux",
                "    version: 9.10",
                "    get_url: https://dl.example.org/rocky/9/Rocky-9-GenericCloud.latest.qcow2",
                "    checksum:",
                "      type: SHA256",
                "      value: file:https://dl.example.org/rocky/9/CHECKSUM",
                "    size: 10G",
                "  local:",
                "    name: Local base",
                "    version: 1",
                "    get_url: disks/base.qcow2",
                "    checksum:",
                "      type: md5",
                "      value: 12345678901234567890123456789012",
                "    size: 1.5G",
                "  debian_12:",
                "    name: Debian",
                "    version: \"12\"",
                "    get_url: file:///srv/images/debian-12.qcow2",
                "    checksum:",
                "      type: sha512",
                "      value: file:SHA512SUMS",
                "    size: 20000000000",
                "  ubuntu.24.04:",
                "    name: Ubuntu",
                "    version: 24.04",
                "    get_url: /srv/images/noble.img",
                "    checksum: {type: sha1, value: A9993E364706816ABA3E25717850C26C9CD0D89D}",
                "    size: 512M",
                "  fedora:",
                "    name: Fedora",
                "    version: 40",
                "    get_url: http://mirror.example.org/fedora/Fedora-Cloud.qcow2",
                "    checksum:",
                "      type: blake2b",
                "      value: file:file:///srv/sums/BLAKE2SUMS",
                "    size: 1T",
                ""));

    Architecture architecture = ArchitectureLoader.load(file);

    assertThat(architecture.file()).isEqualTo(file);
    assertThat(architecture.owner()).isEqualTo("acme");
    assertThat(architecture.images().keySet())
        .containsExactly("rocky-9", "local", "debian_12", "ubuntu.24.04", "fedora");

    ImageSpec rocky = architecture.images().get("rocky-9");
    assertThat(rocky)
        .isEqualTo(
            new ImageSpec(
                "rocky-9",
                "Rocky Linux",
                "9.10",
                URI.create("https://dl.example.org/rocky/9/Rocky-9-GenericCloud.latest.qcow2"),
                ChecksumSpec.ofSumsFile(
                    "sha256", URI.create("https://dl.example.org/rocky/9/CHECKSUM")),
                new DiskSize(10L << 30)));
    assertThat(rocky.fileName()).isEqualTo("Rocky-9-GenericCloud.latest.qcow2");
    assertThat(rocky.checksum().isSumsFile()).isTrue();

    ImageSpec local = architecture.images().get("local");
    assertThat(local.version()).isEqualTo("1");
    assertThat(local.source()).isEqualTo(dir.resolve("disks/base.qcow2").toUri());
    assertThat(local.fileName()).isEqualTo("base.qcow2");
    assertThat(local.checksum())
        .isEqualTo(ChecksumSpec.ofHex("md5", "12345678901234567890123456789012"));
    assertThat(local.size().bytes()).isEqualTo(1610612736L);

    ImageSpec debian = architecture.images().get("debian_12");
    assertThat(debian.version()).isEqualTo("12");
    assertThat(debian.source()).isEqualTo(URI.create("file:///srv/images/debian-12.qcow2"));
    assertThat(debian.checksum().sumsFile()).isEqualTo(dir.resolve("SHA512SUMS").toUri());
    assertThat(debian.size().bytes()).isEqualTo(20_000_000_000L);

    ImageSpec ubuntu = architecture.images().get("ubuntu.24.04");
    assertThat(ubuntu.version()).isEqualTo("24.04");
    assertThat(ubuntu.source()).isEqualTo(URI.create("file:///srv/images/noble.img"));
    assertThat(ubuntu.checksum().hex()).isEqualTo("a9993e364706816aba3e25717850c26c9cd0d89d");
    assertThat(ubuntu.size()).hasToString("512M");

    ImageSpec fedora = architecture.images().get("fedora");
    assertThat(fedora.source().toString())
        .isEqualTo("http://mirror.example.org/fedora/Fedora-Cloud.qcow2");
    assertThat(fedora.checksum())
        .isEqualTo(ChecksumSpec.ofSumsFile("blake2b", URI.create("file:///srv/sums/BLAKE2SUMS")));

    assertThatThrownBy(() -> architecture.images().remove("local"))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @ParameterizedTest(name = "version: {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "9.10 | 9.10",
        "9.3 | 9.3",
        "12 | 12",
        "2024.01 | 2024.01",
        "0755 | 0755",
        "1e3 | 1e3",
        "yes | yes",
        "'9.10' | 9.10",
        "\"9\" | 9"
      })
  void keepsTheVersionAsWritten(String yaml, String version) throws IOException {
    Path file = write(VALID.replace("version: '9.3'", "version: " + yaml));
    assertThat(ArchitectureLoader.load(file).images().get("rocky").version()).isEqualTo(version);
  }

  @ParameterizedTest(name = "value: {0}")
  @CsvSource({
    "md5, 12345678901234567890123456789012",
    "md5, 1234567890123456789012345678901e",
    "md5, '\"12345678901234567890123456789012\"'",
    "sha1, 1234567890123456789012345678901234567890",
    "sha256, 1234567890123456789012345678901234567890123456789012345678901234"
  })
  void takesAnAllDigitHexValueAsWritten(String type, String value) throws IOException {
    Path file = write(VALID.replace("type: sha256", "type: " + type).replace(SHA256, value));
    assertThat(ArchitectureLoader.load(file).images().get("rocky").checksum().hex())
        .isEqualTo(value.replace("\"", ""));
  }

  static Stream<Arguments> invalidFiles() {
    String expectedSize =
        "(expected bytes, or a number with a 1024-based suffix K, M, G, T, P or E, e.g. '10G')";
    String kinds = "an http(s) URL, a file: URL or a local path";
    String types =
        "md5, sha1, sha224, sha256, sha384, sha512, sha512_224, sha512_256, sha3_224, sha3_256,"
            + " sha3_384, sha3_512, blake2b, blake2s";
    return Stream.of(
        // size
        invalid(
            "size: 10G",
            "size: 10X",
            "10:11: images.rocky.size: unknown size suffix 'X' in '10X' " + expectedSize),
        invalid(
            "size: 10G",
            "size: -1G",
            "10:11: images.rocky.size: disk size '-1G' is negative (expected a size greater than"
                + " 0)"),
        invalid(
            "size: 10G",
            "size: 0",
            "10:11: images.rocky.size: disk size '0' is zero (expected a size greater than 0)"),
        invalid(
            "size: 10G",
            "size: ''",
            "10:11: images.rocky.size: no value (expected a disk size, e.g. '10G')"),
        invalid(
            "size: 10G",
            "size:",
            "10:10: images.rocky.size: no value (expected a disk size, e.g. '10G')"),
        invalid(
            "size: 10G",
            "size: 1.5",
            "10:11: images.rocky.size: disk size '1.5' is a fraction of a byte (expected a whole"
                + " number of bytes, or a suffix such as '1.5G')"),
        invalid(
            "size: 10G",
            "size: 1000001",
            "10:11: images.rocky.size: disk size '1000001' is 1000001 bytes, not a whole number of"
                + " 512-byte sectors (expected e.g. '977K')"),
        invalid(
            "size: 10G",
            "size: [10G]",
            "10:11: images.rocky.size: expected a string (a disk size, e.g. '10G'), found a"
                + " sequence"),
        invalid(
            "    size: 10G\n",
            "",
            "3:3: images.rocky.size: required key is missing (expected a disk size, e.g. '10G')"),
        // checksum
        invalid(
            "type: sha256",
            "type: sha257",
            "8:13: images.rocky.checksum.type: unknown checksum type 'sha257'; supported: "
                + types),
        invalid(
            "type: sha256",
            "type: [sha256]",
            "8:13: images.rocky.checksum.type: expected a string (a checksum type, e.g. 'sha256'),"
                + " found a sequence"),
        invalid(
            SHA256,
            SHA256.substring(1),
            "9:14: images.rocky.checksum.value: a sha256 digest has 64 hex digits, this value has"
                + " 63"),
        invalid(
            "type: sha256",
            "type: sha512",
            "9:14: images.rocky.checksum.value: a sha512 digest has 128 hex digits, this value has"
                + " 64"),
        invalid(
            SHA256,
            "sha256:" + SHA256,
            "9:14: images.rocky.checksum.value: 'sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'"
                + " is not a hex digest (expected 64 hex digits, or 'file:' and the URL of a sums"
                + " file)"),
        invalid(
            SHA256,
            "xyz",
            "9:14: images.rocky.checksum.value: 'xyz' is not a hex digest (expected 64 hex digits,"
                + " or 'file:' and the URL of a sums file)"),
        invalid(
            SHA256,
            "'file:'",
            "9:14: images.rocky.checksum.value: 'file:' names no sums file (expected 'file:' and"
                + " the sums file's URL or path, e.g. 'file:https://example.org/images/SHA256SUMS')"),
        invalid(
            SHA256,
            "file:ftp://example.org/SHA256SUMS",
            "9:14: images.rocky.checksum.value: sums file: unsupported URL scheme 'ftp:' (expected "
                + kinds
                + ")"),
        invalid(
            "      type: sha256\n",
            "",
            "7:5: images.rocky.checksum.type: required key is missing (expected a checksum type,"
                + " e.g. 'sha256')"),
        invalid(
            "      value: " + SHA256 + "\n",
            "",
            "7:5: images.rocky.checksum.value: required key is missing (expected a hex digest, or"
                + " 'file:' and the URL of a sums file)"),
        invalid(
            "    checksum:\n      type: sha256\n      value: " + SHA256,
            "    checksum: sha256",
            "7:15: images.rocky.checksum: expected a mapping with keys 'type' and 'value', found"
                + " 'sha256'"),
        invalid(
            "      value: ",
            "      algorithm: sha256\n      value: ",
            "9:7: images.rocky.checksum.algorithm: unknown key (expected one of: type, value, signature, signed_by)"),
        invalid(
            "      value: ",
            "      vaule: ",
            "7:5: images.rocky.checksum.value: required key is missing (expected a hex digest, or"
                + " 'file:' and the URL of a sums file)",
            "9:7: images.rocky.checksum.vaule: unknown key; did you mean 'value'?"),
        invalid(
            "    checksum:",
            "    chekcsum:",
            "3:3: images.rocky.checksum: required key is missing (expected a mapping with keys"
                + " 'type' and 'value')",
            "7:5: images.rocky.chekcsum: unknown key; did you mean 'checksum'?"),
        // get_url
        invalid(
            "get_url: https://example.org/images/rocky.qcow2",
            "get_url: ftp://example.org/rocky.qcow2",
            "6:14: images.rocky.get_url: unsupported URL scheme 'ftp:' (expected " + kinds + ")"),
        invalid(
            "get_url: https://example.org/images/rocky.qcow2",
            "get_url: ''",
            "6:14: images.rocky.get_url: no value (expected " + kinds + ")"),
        invalid(
            "get_url: https://example.org/images/rocky.qcow2",
            "get_url: https:///rocky.qcow2",
            "6:14: images.rocky.get_url: URL 'https:///rocky.qcow2' has no host (expected e.g."
                + " 'https://example.org/disk.qcow2')"),
        invalid(
            "get_url: https://example.org/images/rocky.qcow2",
            "get_url: file://server/rocky.qcow2",
            "6:14: images.rocky.get_url: file URL 'file://server/rocky.qcow2' names host 'server'"
                + " (expected a local file, e.g. 'file:///srv/images/disk.qcow2')"),
        invalid(
            "get_url: https://example.org/images/rocky.qcow2\n    checksum:\n      type: sha256\n"
                + "      value: "
                + SHA256,
            "get_url: https://example.org/images/\n    checksum:\n      type: sha256\n"
                + "      value: file:https://example.org/images/SHA256SUMS",
            "6:14: images.rocky.get_url: 'https://example.org/images/' has no file name to look"
                + " up in the sums file (expected a URL or path that ends in the image's file"
                + " name)"),
        invalid(
            "get_url: https://example.org/images/rocky.qcow2",
            "get_url:\n      - https://example.org/images/rocky.qcow2\n      - /srv/rocky.qcow2",
            "8:9: images.rocky.get_url[1]: 'file:///srv/rocky.qcow2' is a local file (expected"
                + " http(s) URLs in a mirror list; a local file is given alone)"),
        invalid(
            "get_url: https://example.org/images/rocky.qcow2",
            "get_url:\n      - https://example.org/images/rocky.qcow2\n      - https://example.org/images/rocky.qcow2",
            "8:9: images.rocky.get_url[1]: 'https://example.org/images/rocky.qcow2' is listed"
                + " twice"),
        invalid(
            "get_url: https://example.org/images/rocky.qcow2",
            "get_url: []",
            "6:14: images.rocky.get_url: no URLs (expected an http(s) URL, or a list of them"
                + " (mirrors))"),
        // name, version
        invalid(
            "name: Rocky Linux",
            "name: [Rocky]",
            "4:11: images.rocky.name: expected a string (the image name), found a sequence"),
        invalid(
            "name: Rocky Linux",
            "name: {text: Rocky}",
            "4:11: images.rocky.name: expected a string (the image name), found a mapping"),
        invalid(
            "name: Rocky Linux",
            "name: ~",
            "4:11: images.rocky.name: no value (expected the image name)"),
        invalid(
            "name: Rocky Linux",
            "name: \"  \"",
            "4:11: images.rocky.name: no value (expected the image name)"),
        invalid(
            "name: Rocky Linux",
            "Name: Rocky Linux",
            "3:3: images.rocky.name: required key is missing (expected the image name)",
            "4:5: images.rocky.Name: unknown key; did you mean 'name'?"),
        invalid(
            "    version: '9.3'",
            "    version: '9.3'\n    name: Again",
            "6:5: images.rocky.name: duplicate key (first defined at line 4, column 5); remove or"
                + " rename one"),
        invalid(
            "    version: '9.3'\n",
            "",
            "3:3: images.rocky.version: required key is missing (expected the image version, e.g."
                + " '9.3')"),
        invalid(
            "    size: 10G",
            "    size: 10G\n    memory: 2G",
            "11:5: images.rocky.memory: unknown key (expected one of: name, version, get_url,"
                + " checksum, size, format, subformat, compression, input, output,"
                + " extra_kwargs)"),
        // images and image keys
        invalid(
            "  rocky:",
            "  rocky/9:",
            "3:3: images: image key 'rocky/9' is not a safe file name (expected 1 to 64 letters,"
                + " digits, '.', '_' or '-', starting with a letter or digit; the image is written"
                + " to '<key>.qcow2')"),
        invalid(
            "  rocky:",
            "  .hidden:",
            "3:3: images: image key '.hidden' is not a safe file name (expected 1 to 64 letters,"
                + " digits, '.', '_' or '-', starting with a letter or digit; the image is written"
                + " to '<key>.qcow2')"),
        invalid(
            "  rocky:",
            "  " + "r".repeat(65) + ":",
            "3:3: images: image key '"
                + "r".repeat(65)
                + "' is not a safe file name (expected 1 to 64 letters, digits, '.', '_' or '-',"
                + " starting with a letter or digit; the image is written to '<key>.qcow2')"),
        invalid(
            "  rocky:\n",
            "  rocky: Rocky Linux\n  rocky-old:\n",
            "3:10: images.rocky: expected a mapping with keys 'name', 'version', 'get_url',"
                + " 'checksum' and 'size', or 'name', 'size' and 'input', found 'Rocky Linux'"),
        invalid(
            "  rocky:\n",
            "  debian: []\n  rocky:\n",
            "3:11: images.debian: expected a mapping with keys 'name', 'version', 'get_url',"
                + " 'checksum' and 'size', or 'name', 'size' and 'input', found a sequence"),
        // root
        invalid(
            "owner: acme\n",
            "",
            "1:1: owner: required key is missing (expected the owner of the images)"),
        invalid(
            "owner: acme", "owner: ''", "1:8: owner: no value (expected the owner of the images)"),
        invalid(
            "owner: acme",
            "owner: [acme]",
            "1:8: owner: expected a string (the owner of the images), found a sequence"),
        invalid(
            "owner: acme",
            "owner: acme\ncolour: blue",
            "2:1: colour: unknown key (expected one of: owner, images)"),
        invalid(
            "owner: acme",
            "owner: acme\nimage: {}",
            "2:1: image: unknown key; did you mean 'images'?"),
        invalid(
            "owner: acme",
            "owner: acme\n? [a, b]\n: c",
            "2:3: expected a string as key, found a sequence"),
        invalid(
            "owner: acme",
            "owner: acme\nowner: other",
            "2:1: owner: duplicate key (first defined at line 1, column 1); remove or rename one"));
  }

  private static Arguments invalid(String find, String replace, String... problems) {
    return Arguments.of(find, replace, List.of(problems));
  }

  @ParameterizedTest(name = "[{index}] {1}")
  @MethodSource("invalidFiles")
  void reportsEachProblemAtItsPosition(String find, String replace, List<String> expected)
      throws IOException {
    assertThat(VALID).contains(find);
    Path file = write(VALID.replace(find, replace));
    assertThat(problems(file))
        .containsExactlyElementsOf(expected.stream().map(p -> file + ":" + p).toList());
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "'- owner\n- images\n' | 1:1: expected a mapping with keys 'owner' and 'images', found a"
            + " sequence",
        "hello | 1:1: expected a mapping with keys 'owner' and 'images', found 'hello'",
        "'~\n' | 1:1: no value (expected a mapping with keys 'owner' and 'images')",
        "'owner: acme\nimages: {}\n' | 2:9: images: no images (expected at least one image)",
        "'owner: acme\nimages:\n' | 2:8: images: no value (expected a mapping of image keys to"
            + " images)",
        "'owner: acme\nimages: [rocky]\n' | 2:9: images: expected a mapping of image keys to"
            + " images, found a sequence",
        "'owner: acme\nimages: rocky\n' | 2:9: images: expected a mapping of image keys to images,"
            + " found 'rocky'"
      })
  void reportsAWrongShape(String yaml, String problem) throws IOException {
    Path file = write(yaml);
    assertThat(problems(file)).containsExactly(file + ":" + problem);
  }

  @Test
  void reportsEveryProblemInOneRunInFileOrder() throws IOException {
    Path file =
        write(
            String.join(
                "\n",
                "owner: acme",
                "images:",
                "  rocky:",
                "    name: Rocky Linux",
                "    version: 9.3",
                "    get_url: ftp://example.org/rocky.qcow2",
                "    checksum:",
                "      type: sha257",
                "      value: abc",
                "    size: 10X",
                "  debian:",
                "    name: [Debian]",
                "    version: 12",
                "    get_url: https://example.org/debian.qcow2",
                "    checksum: {type: sha512, value: abc}",
                "    sise: 10G",
                ""));
    ArchitectureException failure =
        catchThrowableOfType(ArchitectureException.class, () -> ArchitectureLoader.load(file));

    assertThat(failure.exitCode()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(failure.problems())
        .extracting(p -> p.substring(file.toString().length() + 1, p.indexOf(": ")))
        .containsExactly("6:14", "8:13", "10:11", "11:3", "12:11", "15:37", "16:5");
    assertThat(failure.problems())
        .allSatisfy(p -> assertThat(p).startsWith(file + ":").doesNotContain("\n"));
    assertThat(failure.getMessage()).isEqualTo(String.join("\n", failure.problems()));
  }

  @Test
  void neverReturnsAHalfValidArchitecture() throws IOException {
    Path file =
        write(
            VALID
                + String.join(
                    "\n",
                    "  broken:",
                    "    name: Broken",
                    "    version: 1",
                    "    get_url: https://example.org/broken.qcow2",
                    "    checksum: {type: md5, value: 0}",
                    "    size: 1G",
                    ""));
    assertThat(problems(file))
        .containsExactly(
            file
                + ":15:34: images.broken.checksum.value: a md5 digest has 32 hex digits, this"
                + " value has 1");
  }

  @Test
  void reportsMalformedYamlOnOneLine() throws IOException {
    Path file = write("owner: [acme\nimages: {}\n");
    assertThat(problems(file))
        .containsExactly(
            file
                + ":2:7: expected ',' or ']', but got : (while parsing a flow sequence at 1:8);"
                + " close the '[' at 1:8 with ']', or separate items with ','");
  }

  @Test
  void reportsTabIndentationWithItsPosition() throws IOException {
    Path file = write("owner: acme\nimages:\n\trocky:\n");
    assertThat(problems(file))
        .containsExactly(
            file + ":3:1: found a tab character; YAML indents with spaces only: replace the tab");
  }

  @Test
  void reportsMoreThanOneDocument() throws IOException {
    Path file = write(VALID + "---\nowner: other\n");
    assertThat(problems(file))
        .containsExactly(
            file
                + ":11:1: found another document (expected a single document in the stream at"
                + " 1:1); the file holds one document: remove this '---' and what follows it");
  }

  @Test
  void reportsAnUndefinedAlias() throws IOException {
    Path file = write(VALID.replace("owner: acme", "owner: *team"));
    assertThat(problems(file))
        .containsExactly(
            file
                + ":1:8: found undefined alias team; define the anchor '&team' before its alias"
                + " '*team'");
  }

  @Test
  void acceptsAliasesWithinTheLimit() throws IOException {
    Path file =
        write(
            VALID.replace("    checksum:", "    checksum: &sum")
                + "  rocky-copy:\n    name: Copy\n    version: 1\n"
                + "    get_url: https://example.org/images/copy.qcow2\n"
                + "    checksum: *sum\n    size: 1G\n");
    Architecture architecture = ArchitectureLoader.load(file);
    assertThat(architecture.images().get("rocky-copy").checksum().hex()).isEqualTo(SHA256);
  }

  @Test
  void billionLaughsFailsFastWithAClearMessage() throws IOException {
    StringBuilder yaml =
        new StringBuilder("lol0: &lol0 [lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int level = 1; level <= 12; level++) {
      String previous = "*lol" + (level - 1);
      yaml.append("lol")
          .append(level)
          .append(": &lol")
          .append(level)
          .append(" [")
          .append(IntStream.range(0, 10).mapToObj(i -> previous).collect(Collectors.joining(", ")))
          .append("]\n");
    }
    yaml.append(VALID.replace("name: Rocky Linux", "name: *lol12"));
    Path file = write(yaml.toString());

    List<String> problems = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> problems(file));
    assertThat(problems)
        .containsExactly(
            file
                + ":7:14: more than 50 aliases to lists and mappings (a limit against 'billion"
                + " laughs' files); write the repeated values out");
  }

  @Test
  void anAliasTreeUnderTheLimitIsNeverExpanded() throws IOException {
    // 45 aliases, 5^9 (about two million) leaves if expanded.
    StringBuilder yaml = new StringBuilder("x-0: &a0 [lol, lol, lol, lol, lol]\n");
    for (int level = 1; level <= 9; level++) {
      String previous = "*a" + (level - 1);
      yaml.append("x-")
          .append(level)
          .append(": &a")
          .append(level)
          .append(" [")
          .append(String.join(", ", previous, previous, previous, previous, previous))
          .append("]\n");
    }
    yaml.append(VALID.replace("name: Rocky Linux", "name: *a9"));
    Path file = write(yaml.toString());

    List<String> problems = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> problems(file));
    assertThat(problems).hasSize(11);
    assertThat(problems.get(10))
        .isEqualTo(
            file
                + ":14:5: images.rocky.name: expected a string (the image name), found a"
                + " sequence");
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @CsvSource({"''", "'# only a comment\n'", "'\n\n'"})
  void reportsAnEmptyFile(String yaml) throws IOException {
    Path file = write(yaml);
    assertThat(problems(file))
        .containsExactly(
            file + ":1:1: the file is empty (expected a mapping with keys 'owner' and 'images')");
  }

  @Test
  void reportsAMissingFileAsTheUserNamedIt() {
    Path file = Path.of("no-such-dir", "architecture.yml");
    assertThat(problems(file))
        .containsExactly("no-such-dir/architecture.yml:1:1: architecture file not found");
  }

  @Test
  void reportsADirectory() {
    assertThat(problems(dir)).containsExactly(dir + ":1:1: is a directory (expected a YAML file)");
  }

  @Test
  void reportsAPathThroughARegularFile() throws IOException {
    Path file = write(VALID).resolve("arch.yml");
    assertThat(problems(file)).containsExactly(file + ":1:1: cannot be read: Not a directory");
  }

  @Test
  void recursiveAliasesEndInPlainProblems() throws IOException {
    Path file = write("owner: &o [*o]\nimages: &all\n  rocky: *all\n");
    List<String> problems = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> problems(file));
    assertThat(problems)
        .startsWith(
            file + ":1:8: owner: expected a string (the owner of the images), found a sequence",
            file
                + ":3:3: images.rocky.rocky: unknown key (expected one of: name, version,"
                + " get_url, checksum, size, format, subformat, compression, input, output,"
                + " extra_kwargs)")
        .hasSize(4);
  }

  @Test
  void reportsAFileThatIsTooLarge() throws IOException {
    Path file = write(VALID + "#".repeat(3 * 1024 * 1024) + "\n");
    assertThat(problems(file))
        .containsExactly(
            file
                + ":11:"
                + (3 * 1024 * 1024 - VALID.length() + 1)
                + ": the file is larger than 3 MiB, and goes past the limit here (expected a small"
                + " YAML file)");
  }

  @Test
  void reportsInvalidUtf8AtItsPosition() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes(VALID.replace("Rocky Linux", "Rocky Lïnux").getBytes(UTF_8));
    byte[] content = bytes.toByteArray();
    int at = VALID.indexOf("Linux") + 1; // the second byte of 'ï'
    content[at + 1] = (byte) 0x28;
    Path file = dir.resolve("arch.yml");
    Files.write(file, content);
    assertThat(problems(file))
        .containsExactly(file + ":4:18: invalid UTF-8 (byte 0xc3; expected UTF-8 text)");
  }

  @Test
  void reportsAControlCharacterAtItsPosition() throws IOException {
    Path file = write(VALID.replace("Rocky Linux", "Rocky\u0007Linux"));
    assertThat(problems(file))
        .containsExactly(
            file
                + ":4:16: special characters are not allowed (U+0007); remove it, or write it as"
                + " an escape in a double-quoted string");
  }

  @Test
  void readsByteOrderMarks() throws IOException {
    Path utf8 = dir.resolve("utf8.yml");
    Files.write(utf8, ("\uFEFF" + VALID).getBytes(UTF_8));
    assertThat(ArchitectureLoader.load(utf8).owner()).isEqualTo("acme");

    Path utf16 = dir.resolve("utf16.yml");
    Files.write(utf16, ("\uFEFF" + VALID).getBytes(UTF_16LE));
    assertThat(ArchitectureLoader.load(utf16).owner()).isEqualTo("acme");
  }

  @Test
  void keepsMessagesOnOneLine() throws IOException {
    Path file = write(VALID.replace("size: 10G", "size: |\n      10G\n      20G"));
    assertThat(problems(file))
        .containsExactly(
            file
                + ":10:11: images.rocky.size: invalid disk size '10G\\n20G' (expected bytes, or a"
                + " number with a 1024-based suffix K, M, G, T, P or E, e.g. '10G')");
  }

  private Path write(String yaml) throws IOException {
    return Files.writeString(dir.resolve("arch.yml"), yaml);
  }

  private static List<String> problems(Path file) {
    ArchitectureException failure =
        catchThrowableOfType(ArchitectureException.class, () -> ArchitectureLoader.load(file));
    assertThat(failure).as("load must fail").isNotNull();
    assertThat(failure.exitCode()).isEqualTo(ExitCode.INVALID_INPUT.code());
    return failure.problems();
  }
}
