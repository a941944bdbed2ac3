package org.genvmimage.download;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Blake2sTest {
  static String oneShot(byte[] data) {
    Hasher hasher = Checksums.newHasher("blake2s");
    hasher.update(data, 0, data.length);
    return hasher.hexDigest();
  }

  @Test
  void rfc7693Abc() {
    assertThat(oneShot("abc".getBytes(US_ASCII)))
        .isEqualTo("508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982");
  }

  @Test
  void emptyInput() {
    assertThat(Checksums.newHasher("blake2s").hexDigest())
        .isEqualTo("69217a3079908094e11121d042354a7c1f55b6482ca1a51e1b250dfd1ed0eef9");
  }

  /** Expected values from Python's hashlib.blake2s; lengths around the 64-byte block edges. */
  @ParameterizedTest
  @CsvSource({
    "1, a28ac19d6bcbe2cd1d7de183485768d598e996b07889b9b11f418cb1b4a4fb0d",
    "63, 0437522bc12fd98cc605c1b2cc63a5bbde63de77adcef8795b94b0012d5069bd",
    "64, f702c57f6c760be51ef340442aeca75d4f564703fc3ab07d1d4f68ac9bcc95fb",
    "65, 5bb54d2022e10d06d83d35bc365d8c1972ad38b80a76d1c790871afd85fffd7e",
    "128, 6f7d8f95de6c4e088d588b7091cfb6438f47e7c5f40c62f8264f8d873ea9cb80",
    "129, 6cb140d40f925727b9c8c1ce5bbacc9fd3d8012aa52f265dc202ba2aea161485",
    "256, f8750abd8abde1797ea08d34c9a50cdf43450444412ae929c10d21a7ae34c39a",
    "1000, d3e9062f2fe816b3125a7345d293a34439e4bdfaeb7e39dba83d66230cae5f0b"
  })
  void multiBlockInputs(int length, String expected) {
    assertThat(oneShot(Blake2bTest.pattern(length))).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"1", "3", "7", "63", "64", "65", "100", "1001"})
  void oddChunksEqualOneShot(int chunk) {
    byte[] data = Blake2bTest.pattern(5000);
    Hasher arrays = Checksums.newHasher("blake2s");
    Hasher heap = Checksums.newHasher("blake2s");
    Hasher direct = Checksums.newHasher("blake2s");
    for (int offset = 0; offset < data.length; offset += chunk) {
      int length = Math.min(chunk, data.length - offset);
      arrays.update(data, offset, length);
      heap.update(ByteBuffer.wrap(data, offset, length));
      ByteBuffer buffer = ByteBuffer.allocateDirect(length).put(data, offset, length).flip();
      direct.update(buffer);
      assertThat(buffer.hasRemaining()).isFalse();
    }
    String expected = oneShot(data);
    assertThat(arrays.hexDigest()).isEqualTo(expected);
    assertThat(heap.hexDigest()).isEqualTo(expected);
    assertThat(direct.hexDigest()).isEqualTo(expected);
  }

  @Test
  void digestIsTakenOnce() {
    Hasher hasher = Checksums.newHasher("blake2s");
    hasher.hexDigest();
    assertThatThrownBy(hasher::hexDigest).isInstanceOf(IllegalStateException.class);
  }
}
