package org.genvmimage.architecture;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.genvmimage.core.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Architecture files at the reader's limits (nesting, aliases, size, long keys and values) and
 * files that are not YAML text at all: each is refused on one line, {@code file:line:column: what
 * is wrong}, never with a stack overflow.
 */
class ArchitectureLimitsTest {
  static final String DEPTH =
      "more than 100 lists and mappings nested in each other (a limit against files made to"
          + " exhaust the reader); flatten the structure";
  static final String ALIASES =
      "more than 50 aliases to lists and mappings (a limit against 'billion laughs' files); write"
          + " the repeated values out";

  /** A valid file; line 4 holds the name. */
  static final String VALID =
      String.join(
          "\n",
          "owner: acme",
          "images:",
          "  rocky:",
          "    name: Rocky Linux",
          "    version: '9.3'",
          "    get_url: https://example.org/images/rocky.qcow2",
          "    checksum: {type: md5, value: 12345678901234567890123456789012}",
          "    size: 10G",
          "");

  @TempDir Path dir;

  /** 10,000 nested flow lists: the root, images and rocky mappings are 3 levels, so the 98th. */
  static String depthBomb() {
    return VALID.replace("name: Rocky Linux", "name: " + "[".repeat(10_000) + "]".repeat(10_000));
  }

  /** Each level holds ten aliases to the level before: 10^12 values if expanded. */
  static String aliasBomb() {
    StringBuilder yaml = new StringBuilder("x-0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol]\n");
    for (int level = 1; level <= 12; level++) {
      String previous = "*a" + (level - 1);
      yaml.append("x-")
          .append(level)
          .append(": &a")
          .append(level)
          .append(" [")
          .append(IntStream.range(0, 10).mapToObj(i -> previous).collect(Collectors.joining(", ")))
          .append("]\n");
    }
    return yaml.append(VALID.replace("name: Rocky Linux", "name: *a12")).toString();
  }

  @Test
  void aDepthBombOfFlowListsStopsAtTheFirstListTooDeep() throws IOException {
    Path file = write(depthBomb());
    assertThat(problems(file)).containsExactly(file + ":4:108: " + DEPTH);
  }

  @Test
  void aDepthBombOfFlowMappingsStopsAtTheFirstMappingTooDeep() throws IOException {
    Path file =
        write(
            VALID.replace(
                "name: Rocky Linux", "name: " + "{a: ".repeat(10_000) + "1" + "}".repeat(10_000)));
    // '{' number 98 starts at column 11 + 97 * 4
    assertThat(problems(file)).containsExactly(file + ":4:399: " + DEPTH);
  }

  @Test
  void aDeepRootListStopsAtTheFirstListTooDeep() throws IOException {
    Path file = write("[".repeat(100_000) + "]".repeat(100_000) + "\n");
    assertThat(problems(file)).containsExactly(file + ":1:101: " + DEPTH);
  }

  @Test
  void deepBlockMappingsStopAtTheFirstMappingTooDeep() throws IOException {
    String yaml =
        IntStream.range(0, 150)
            .mapToObj(level -> "  ".repeat(level) + "k" + level + ":")
            .collect(Collectors.joining("\n", "", " end\n"));
    Path file = write(yaml);
    // the mapping at depth 101 is the value of k99: line 101, indented 200 spaces
    assertThat(problems(file)).containsExactly(file + ":101:201: " + DEPTH);
  }

  @Test
  void a100LevelNestingIsWithinTheLimit() throws IOException {
    Path file =
        write(VALID.replace("name: Rocky Linux", "name: " + "[".repeat(97) + "]".repeat(97)));
    assertThat(problems(file))
        .containsExactly(
            file
                + ":4:11: images.rocky.name: expected a string (the image name), found a sequence");
  }

  @Test
  void anAliasBombStopsAtTheFirstAliasPastTheLimit() throws IOException {
    Path file = write(aliasBomb());
    List<String> problems = assertTimeoutPreemptively(Duration.ofSeconds(10), () -> problems(file));
    // x-1 to x-5 hold 50 aliases to lists; the first alias of x-6 (line 7) is one too many
    assertThat(problems).containsExactly(file + ":7:11: " + ALIASES);
  }

  @Test
  void aliasesToPlainValuesAreNotCounted() throws IOException {
    String aliases = IntStream.range(0, 200).mapToObj(i -> "*o").collect(Collectors.joining(", "));
    Path file = write(VALID.replace("owner: acme", "owner: &o acme\nx-many: [" + aliases + "]"));
    assertThat(problems(file))
        .containsExactly(file + ":2:1: x-many: unknown key (expected one of: owner, images)");
  }

  @Test
  void aKeyLongerThanTheImplicitKeyLimitIsExplained() throws IOException {
    Path file = write(VALID + "k".repeat(2000) + ": x\n");
    assertThat(problems(file))
        .containsExactly(
            file
                + ":9:2001: could not find expected ':' (while scanning a simple key at 9:1); a key"
                + " must end with ':' within 1024 characters of where it starts");
  }

  @Test
  void aVeryLongKeyIsShortenedInTheMessage() throws IOException {
    Path file = write(VALID + "? " + "k".repeat(100_000) + "\n: x\n");
    assertThat(problems(file))
        .containsExactly(
            file + ":9:3: " + "k".repeat(77) + "...: unknown key (expected one of: owner, images)");
  }

  @Test
  void aVeryLongValueIsReadAsIs() throws IOException {
    String name = "n".repeat(2_000_000);
    Path file = write(VALID.replace("Rocky Linux", name));
    assertThat(ArchitectureLoader.load(file).images().get("rocky").name()).isEqualTo(name);
  }

  @Test
  void aBinaryFileIsReportedAtItsFirstNulByte() throws IOException {
    Path file = dir.resolve("image.qcow2");
    Files.write(file, new byte[] {'Q', 'F', 'I', (byte) 0xfb, 0, 0, 0, 3});
    assertThat(problems(file))
        .containsExactly(
            file
                + ":1:5: a NUL byte: this is a binary file, not YAML text (expected an"
                + " architecture file)");
  }

  @Test
  void aNulByteLaterInTheFileIsReportedAtItsLine() throws IOException {
    Path file = dir.resolve("arch.yml");
    Files.write(file, (VALID + "x: \u00e9\u0000\n").getBytes(UTF_8));
    assertThat(problems(file))
        .containsExactly(
            file
                + ":9:5: a NUL byte: this is a binary file, not YAML text (expected an"
                + " architecture file)");
  }

  static Stream<Arguments> notAnArchitecture() {
    return Stream.of(
        Arguments.of("empty", new byte[0]),
        Arguments.of("comments only", "# nothing\n".getBytes(UTF_8)),
        Arguments.of("binary", new byte[] {0x7f, 'E', 'L', 'F', 2, 1, 1, 0}),
        Arguments.of("not UTF-8", "owner: caf\u00e9\n".getBytes(ISO_8859_1)),
        Arguments.of("two documents", (VALID + "---\n" + VALID).getBytes(UTF_8)),
        Arguments.of("a list", "- owner\n- images\n".getBytes(UTF_8)),
        Arguments.of("a scalar", "just text\n".getBytes(UTF_8)),
        Arguments.of("too large", ("#" + "x".repeat(3 * 1024 * 1024)).getBytes(UTF_8)),
        Arguments.of("a depth bomb", depthBomb().getBytes(UTF_8)),
        Arguments.of("an alias bomb", aliasBomb().getBytes(UTF_8)),
        Arguments.of("bad syntax", "owner: acme\n  images: {}\n".getBytes(UTF_8)),
        Arguments.of("a control character", "owner: a\u0001\n".getBytes(UTF_8)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("notAnArchitecture")
  void everyFileProblemIsOneLineWithAPosition(String what, byte[] content) throws IOException {
    Path file = dir.resolve("arch.yml");
    Files.write(file, content);
    assertOneLineWithPosition(file, problems(file));
  }

  @Test
  void aDirectoryAndAMissingFileHaveThePositionOfTheirStart() {
    assertOneLineWithPosition(dir, problems(dir));
    Path missing = dir.resolve("missing.yml");
    assertOneLineWithPosition(missing, problems(missing));
  }

  private static void assertOneLineWithPosition(Path file, List<String> problems) {
    assertThat(problems)
        .singleElement()
        .asString()
        .matches(Pattern.quote(file.toString()) + ":[1-9][0-9]*:[1-9][0-9]*: [^\\s].*")
        .doesNotContain("\n")
        .hasSizeLessThan(file.toString().length() + 300);
  }

  private Path write(String yaml) throws IOException {
    return Files.writeString(dir.resolve("arch.yml"), yaml);
  }

  static List<String> problems(Path file) {
    ArchitectureException failure =
        catchThrowableOfType(ArchitectureException.class, () -> ArchitectureLoader.load(file));
    assertThat(failure).as("load must fail").isNotNull();
    assertThat(failure.exitCode()).isEqualTo(ExitCode.INVALID_INPUT.code());
    return failure.problems();
  }
}
