package org.genvmimage.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class CommandsTest {

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "qemu-img                  | qemu-img",
        "/var/lib/a_b-1.2.qcow2    | /var/lib/a_b-1.2.qcow2",
        "compat=1.1,size=5G        | compat=1.1,size=5G",
        "--output=json             | --output=json",
        "my image.qcow2            | 'my image.qcow2'",
        "it's                      | 'it'\"'\"'s'",
        "$HOME                     | '$HOME'",
        "a;rm -rf b                | 'a;rm -rf b'",
        "\"\"                      | ''",
      })
  void quotesLikeShlex(String argument, String expected) {
    assertThat(Commands.quote(argument)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource(
      delimiterString = "=>",
      value = {
        "''                               => ''",
        "'\n \r\n'                        => ''",
        "'one'                            => one",
        "'  a  \n\n b\r\nc  \n'           => a | b | c",
        "'1\n2\n3\n4\n5\n6\n7'            => 3 | 4 | 5 | 6 | 7",
      })
  void tailKeepsLastNonBlankLines(String text, String expected) {
    assertThat(Commands.tail(text.translateEscapes())).isEqualTo(expected);
  }

  @Test
  void displayJoinsQuotedArguments() {
    assertThat(Commands.display(List.of("qemu-img", "info", "/tmp/a b.img")))
        .isEqualTo("qemu-img info '/tmp/a b.img'");
  }

  @Test
  void tailIsBounded() {
    String text = "x".repeat(5000) + "\nend";
    String tail = Commands.tail(text);
    assertThat(tail).hasSize(Commands.TAIL_CHARS).startsWith("…x").endsWith("x | end");
  }
}
