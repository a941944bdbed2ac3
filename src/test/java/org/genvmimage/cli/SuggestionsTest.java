package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class SuggestionsTest {
  static final List<String> NAMES =
      List.of(
          "--architecture-path",
          "--image-output-path",
          "--image",
          "--cache-dir",
          "--gocd-group",
          "--gocd-template",
          "-j",
          "-v",
          "-q",
          "-h",
          "-V");

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "--architecure-path|--architecture-path",
        "--archtecture-path|--architecture-path",
        "--architecure-path=x.yml|--architecture-path",
        "--architecutre-path|--architecture-path",
        "--ARCHITECTURE-PATH|--architecture-path",
        "--image-output|--image-output-path",
        "--imag|--image",
        "--imgae|--image",
        "--cach-dir|--cache-dir",
        "--cach-dir=/tmp|--cache-dir",
        "--gocd-grup|--gocd-group",
        "--gocd|--gocd-group,--gocd-template",
        "-x|",
        "--zzz|",
        "--completely-different|",
      })
  void closestNames(String typed, String expected) {
    List<String> want = expected == null ? List.of() : List.of(expected.split(","));
    assertThat(Suggestions.closest(typed, NAMES)).isEqualTo(want);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      quoteCharacter = '"',
      value = {"a|'a'", "a,b|'a' or 'b'", "a,b,c|'a', 'b' or 'c'"})
  void alternatives(String names, String text) {
    assertThat(Suggestions.alternatives(List.of(names.split(",")))).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"abc|abc|0", "abc|acb|1", "abc|ab|1", "abc|abcd|1", "abc|xyz|3", "|abc|3"})
  void distance(String a, String b, int d) {
    assertThat(Suggestions.distance(a == null ? "" : a, b)).isEqualTo(d);
  }
}
