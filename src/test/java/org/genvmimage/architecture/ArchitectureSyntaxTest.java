package org.genvmimage.architecture;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The YAML mistakes people make by hand: each is one line with its position and what to do. */
class ArchitectureSyntaxTest {
  @TempDir Path dir;

  static Stream<Arguments> mistakes() {
    String head = "owner: acme\nimages:\n  rocky:\n";
    return Stream.of(
        Arguments.of(
            "a key indented too deep",
            head + "    name: Rocky\n     version: 9\n",
            "5:13: mapping values are not allowed here; check the indentation of this line and the"
                + " line above (the keys of one mapping start in the same column, and each ':' is"
                + " followed by a space)"),
        Arguments.of(
            "a value with ': '",
            head + "    name: Rocky: Linux\n",
            "4:16: mapping values are not allowed here; put the value in quotes: it contains ': '"),
        Arguments.of(
            "no space after ':' on the line above",
            "owner:acme\nimages: {}\n",
            "2:7: mapping values are not allowed here; check the indentation of this line and the"
                + " line above (the keys of one mapping start in the same column, and each ':' is"
                + " followed by a space)"),
        Arguments.of(
            "a key indented between two levels",
            head + "    name: x\n   version: 9\n",
            "5:4: expected <block end>, but found '<block mapping start>' (while parsing a block"
                + " mapping at 3:3); check the indentation: this line is deeper than the keys of"
                + " the mapping at 3:3, but not in line with the keys of the value above it"),
        Arguments.of(
            "a key without ':'",
            "owner: acme\nimages\n  rocky:\n",
            "3:8: could not find expected ':' (while scanning a simple key at 2:1); add ': ' after"
                + " the key on line 2, or, if that line continues a value, indent it deeper than"
                + " the value's key"),
        Arguments.of(
            "a tab in the indentation",
            "owner: acme\nimages:\n\trocky: {}\n",
            "3:1: found a tab character; YAML indents with spaces only: replace the tab"),
        Arguments.of(
            "an unclosed double quote",
            head + "    name: \"Rocky\n    version: 9\n",
            "6:1: found unexpected end of stream (while scanning a quoted scalar at 4:11); close"
                + " the quote opened at 4:11"),
        Arguments.of(
            "an unclosed single quote",
            head + "    name: 'Rocky\n",
            "5:1: found unexpected end of stream (while scanning a quoted scalar at 4:11); close"
                + " the quote opened at 4:11"),
        Arguments.of(
            "text after a closing quote",
            "owner: \"acme\" corp\n",
            "1:15: expected <block end>, but found '<scalar>' (while parsing a block mapping at"
                + " 1:1); a quoted value ends at its closing quote: quote the whole value"),
        Arguments.of(
            "an unclosed '['",
            "owner: [acme\nimages: {}\n",
            "2:7: expected ',' or ']', but got : (while parsing a flow sequence at 1:8); close the"
                + " '[' at 1:8 with ']', or separate items with ','"),
        Arguments.of(
            "an unclosed '{'",
            "owner: acme\nimages: {rocky: {name: x}\n",
            "3:1: expected ',' or '}', but got <stream end> (while parsing a flow mapping at 2:9);"
                + " close the '{' at 2:9 with '}', or separate entries with ','"),
        Arguments.of(
            "one ']' too many",
            "owner: acme\nimages: [a, b]]\n",
            "2:15: expected <block end>, but found ']' (while parsing a block mapping at 1:1);"
                + " remove the closing bracket that has no opening one"),
        Arguments.of(
            "a list on the key's line",
            head + "    name: - a\n",
            "4:11: sequence entries are not allowed here; start the list on the next line,"
                + " indented under its key, or put the value in quotes"),
        Arguments.of(
            "a list item under a mapping",
            head + "    name: x\n  - y\n",
            "5:3: expected <block end>, but found '-' (while parsing a block mapping at 3:3); check"
                + " the indentation: the keys of that mapping start in column 3"),
        Arguments.of(
            "a value starting with '@'",
            "owner: @acme\n",
            "1:8: found character '@' that cannot start a value; put the value in quotes"),
        Arguments.of(
            "a value starting with '}'",
            "owner: }\n",
            "1:8: expected the node content, but found '}' (while parsing a block node); put the"
                + " value in quotes"),
        Arguments.of(
            "an unknown escape",
            "owner: \"C:\\new\\q\"\n",
            "1:16: found unknown escape character q(113) (while scanning a double-quoted scalar at"
                + " 1:8); in double quotes '\\' starts an escape: write '\\\\' for a backslash, or"
                + " use single quotes"),
        Arguments.of(
            "an undefined alias",
            "owner: *team\n",
            "1:8: found undefined alias team; define the anchor '&team' before its alias"
                + " '*team'"),
        Arguments.of(
            "a duplicate key",
            "owner: acme\nowner: again\n",
            "2:1: owner: duplicate key (first defined at line 1, column 1); remove or rename one"),
        Arguments.of(
            "two documents",
            "owner: acme\n---\nowner: again\n",
            "2:1: found another document (expected a single document in the stream at 1:1); the"
                + " file holds one document: remove this '---' and what follows it"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void eachMistakeIsOneLineWithWhatToDo(String what, String yaml, String problem)
      throws IOException {
    Path file = Files.writeString(dir.resolve("arch.yml"), yaml);
    // a syntax error is the only problem; a duplicate key comes with the schema's others
    assertThat(ArchitectureLimitsTest.problems(file)).contains(file + ":" + problem);
  }
}
