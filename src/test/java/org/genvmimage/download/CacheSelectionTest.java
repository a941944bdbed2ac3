package org.genvmimage.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.junit.jupiter.api.Test;

class CacheSelectionTest {
  static final Digest A = new Digest("sha256", "aa11" + "0".repeat(60));
  static final Digest B = new Digest("sha256", "aa22" + "0".repeat(60));
  static final Digest C = new Digest("sha512", "aa11" + "0".repeat(124));
  static final List<Digest> KEYS = List.of(A, B, C);

  static int code(Runnable r) {
    try {
      r.run();
      return ExitCode.OK.code();
    } catch (GenVmException e) {
      return e.exitCode();
    }
  }

  @Test
  void aPrefixOrTypedValueNamesOneEntry() {
    assertThat(CacheSelection.match(KEYS, List.of("AA22"), Path.of("c"), "ls")).containsExactly(B);
    assertThat(CacheSelection.match(KEYS, List.of("sha512:aa1", "sha256:aa1"), Path.of("c"), "ls"))
        .containsExactly(C, A);
  }

  @Test
  void ambiguousMalformedAndUnknownChecksumsAreRefused() {
    assertThat(code(() -> CacheSelection.match(KEYS, List.of("aa"), Path.of("c"), "ls")))
        .isEqualTo(ExitCode.USAGE.code());
    assertThat(code(() -> CacheSelection.match(KEYS, List.of("xyz"), Path.of("c"), "ls")))
        .isEqualTo(ExitCode.USAGE.code());
    assertThat(code(() -> CacheSelection.match(KEYS, List.of("md9:aa"), Path.of("c"), "ls")))
        .isEqualTo(ExitCode.USAGE.code());
    assertThatThrownBy(() -> CacheSelection.match(KEYS, List.of("bb"), Path.of("c"), "ls"))
        .hasMessage("no cache entry matches 'bb' in c (see 'ls')");
  }

  @Test
  void keysShowTheShortValue() {
    assertThat(CacheSelection.label(A)).isEqualTo("sha256 aa1100000000");
  }
}
