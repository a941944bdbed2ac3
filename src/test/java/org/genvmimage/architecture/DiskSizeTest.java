package org.genvmimage.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DiskSizeTest {
  @ParameterizedTest(name = "''{0}'' is {1} bytes")
  @CsvSource({
    "10G, 10737418240",
    "512M, 536870912",
    "1T, 1099511627776",
    "20000000000, 20000000000",
    "512, 512",
    "512B, 512",
    "4k, 4096",
    "10g, 10737418240",
    "10GiB, 10737418240",
    "10GB, 10737418240",
    "10 G, 10737418240",
    "' 4K ', 4096",
    "1.5G, 1610612736",
    "1.3K, 1331",
    "2P, 2251799813685248",
    "7E, 8070450532247928832"
  })
  void parsesLikeQemuImg(String text, long bytes) {
    assertThat(DiskSize.parse(text).bytes()).isEqualTo(bytes);
  }

  @ParameterizedTest(name = "''{0}''")
  @CsvSource(
      delimiter = '|',
      value = {
        "10X | unknown size suffix 'X' in '10X' (expected bytes, or a number with a 1024-based"
            + " suffix K, M, G, T, P or E, e.g. '10G')",
        "10KiBs | unknown size suffix 'KiBs' in '10KiBs'",
        "1e9 | invalid disk size '1e9'",
        "-1G | disk size '-1G' is negative (expected a size greater than 0)",
        "0 | disk size '0' is zero (expected a size greater than 0)",
        "0G | disk size '0G' is zero",
        "0.0000001K | disk size '0.0000001K' is zero",
        "'' | disk size is empty (expected bytes, or a number with a 1024-based suffix",
        "'   ' | disk size is empty",
        "1.5 | disk size '1.5' is a fraction of a byte (expected a whole number of bytes, or a"
            + " suffix such as '1.5G')",
        "1.5B | disk size '1.5B' is a fraction of a byte",
        "G | invalid disk size 'G'",
        "1..5G | invalid disk size '1..5G'",
        "ten | invalid disk size 'ten'",
        "8E | disk size '8E' is too large (at most 9223372036854775807 bytes)",
        "99999999999999999999 | disk size '99999999999999999999' is too large"
      })
  void rejectsWithAReason(String text, String message) {
    assertThatThrownBy(() -> DiskSize.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }

  @ParameterizedTest(name = "{0} bytes show as {1}")
  @CsvSource({
    "10737418240, 10G",
    "1610612736, 1536M",
    "1024, 1K",
    "1000, 1000",
    "1099511627776, 1T",
    "1152921504606846976, 1E",
    "9223372036854775807, 9223372036854775807"
  })
  void showsTheLargestExactUnit(long bytes, String shown) {
    assertThat(new DiskSize(bytes)).hasToString(shown);
    assertThat(DiskSize.parse(shown).bytes()).isEqualTo(bytes);
  }

  @Test
  void mustBePositive() {
    assertThatThrownBy(() -> new DiskSize(0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new DiskSize(-1)).isInstanceOf(IllegalArgumentException.class);
  }
}
