package org.genvmimage.cli.manual;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TroffTest {
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {
        "plain words|plain words",
        "--architecture-path|\\-\\-architecture\\-path",
        "C:\\dir|C:\\edir",
        ".starts with a dot|\\&.starts with a dot",
        "'starts with a quote|\\&'starts with a quote",
        "a . in the middle|a . in the middle",
        "\\fB not a font|\\efB not a font",
      })
  void textEscapesWhatTroffWouldRead(String plain, String troff) {
    assertThat(Troff.text(plain)).isEqualTo(troff);
  }

  @Test
  void everyLineIsProtected() {
    assertThat(Troff.text("one\n.two")).isEqualTo("one\n\\&.two");
    assertThat(Troff.text("one\n'two")).isEqualTo("one\n\\&'two");
    assertThat(Troff.text("a\n\nb")).isEqualTo("a\n\nb");
  }

  @Test
  void inlineTextStaysOnOneLine() {
    assertThat(Troff.inline("a\nb")).isEqualTo("a b");
    assertThat(Troff.inline("-x")).isEqualTo("\\-x");
    assertThat(Troff.inline("\\")).isEqualTo("\\e");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"say \"hi\"|\"say \\(dqhi\\(dq\"", "gen-vm-image 1|\"gen\\-vm\\-image 1\""})
  void quotedArguments(String plain, String troff) {
    assertThat(Troff.quoted(plain)).isEqualTo(troff);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"--x|\\fB\\-\\-x\\fR"})
  void fonts(String plain, String troff) {
    assertThat(Troff.bold(plain)).isEqualTo(troff);
    assertThat(Troff.italic(plain)).isEqualTo(troff.replace("\\fB", "\\fI"));
  }
}
