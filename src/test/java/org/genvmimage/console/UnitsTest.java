package org.genvmimage.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class UnitsTest {
  @ParameterizedTest
  @CsvSource({
    "0, 0 B",
    "1023, 1023 B",
    "1024, 1 KiB",
    "1536, 1.50 KiB",
    "10737418240, 10 GiB",
    "346030080, 330 MiB",
    "123456789, 117.7 MiB"
  })
  void bytes(long bytes, String text) {
    assertThat(Units.bytes(bytes)).isEqualTo(text);
  }

  @ParameterizedTest
  @CsvSource({"1500, 1.5 s", "42000, 42 s", "125000, 2 min 05 s"})
  void duration(long millis, String text) {
    assertThat(Units.duration(Duration.ofMillis(millis))).isEqualTo(text);
  }
}
