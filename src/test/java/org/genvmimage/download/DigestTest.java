package org.genvmimage.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DigestTest {
  private static final String SHA256 = "ab".repeat(32);

  @Test
  void normalisesTheTypeAndTheHex() {
    Digest d = new Digest(" SHA256 ", SHA256.toUpperCase());
    assertThat(d.type()).isEqualTo("sha256");
    assertThat(d.hex()).isEqualTo(SHA256);
    assertThat(d).isEqualTo(new Digest("sha256", SHA256));
    assertThat(d).hasToString("sha256:" + SHA256);
  }

  @Test
  void refusesAnUnknownTypeAndAValueOfTheWrongLengthOrAlphabet() {
    assertThatThrownBy(() -> new Digest("sha7", SHA256))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown checksum type 'sha7'")
        .hasMessageContaining("sha256");
    assertThatThrownBy(() -> new Digest("sha512", SHA256))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("'" + SHA256 + "' is not a sha512 digest (128 hex digits)");
    assertThatThrownBy(() -> new Digest("sha256", "zz".repeat(32)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Digest("sha256", null))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
