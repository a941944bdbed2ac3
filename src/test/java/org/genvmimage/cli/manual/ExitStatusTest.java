package org.genvmimage.cli.manual;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.genvmimage.core.ExitCode;
import org.junit.jupiter.api.Test;

/** The one exit status table: every code of ExitCode, in the man pages and in the README. */
class ExitStatusTest {
  @Test
  void everyExitCodeOnceInIncreasingOrder() throws Exception {
    List<Integer> codes = new ArrayList<>();
    for (ExitCode c : ExitCode.values()) {
      codes.add(c.code());
    }
    assertThat(ExitStatus.rows().stream().map(ExitStatus.Row::code))
        .containsExactlyInAnyOrderElementsOf(codes)
        .isSorted()
        .doesNotHaveDuplicates();
  }

  @Test
  void theReadmeHoldsTheTableVerbatim() throws Exception {
    assertThat(Files.readString(Path.of("README.rst")))
        .as("README.rst's exit codes table; it must read exactly:\n" + ExitStatus.rst())
        .contains(ExitStatus.rst());
  }

  @Test
  void theRstTableIsWrappedInsideItsColumn() {
    String rst = ExitStatus.rst();
    assertThat(rst)
        .startsWith("=====  ====")
        .contains("\ncode   meaning\n")
        .contains("\n0      done, or already up to date\n")
        .contains("\n130    interrupted (Ctrl-C); the output is left as it was\n");
    for (String line : rst.split("\n")) {
      assertThat(line.length()).as(line).isLessThanOrEqualTo(7 + ExitStatus.RST_MEANING_WIDTH);
      assertThat(line).as("no trailing blanks").isEqualTo(line.stripTrailing());
    }
  }

  @Test
  void wrapKeepsEveryWordInOrder() {
    assertThat(ExitStatus.wrap("aa bb cc dd", 5)).containsExactly("aa bb", "cc dd");
    assertThat(ExitStatus.wrap("abcdefgh x", 5)).containsExactly("abcdefgh", "x");
  }
}
