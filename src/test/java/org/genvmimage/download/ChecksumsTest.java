package org.genvmimage.download;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChecksumsTest {
  /** Published digests of "abc" (FIPS 180-4 and 202 examples, RFC 1321, RFC 7693). */
  private static final Map<String, String> ABC = new LinkedHashMap<>();

  static {
    ABC.put("md5", "900150983cd24fb0d6963f7d28e17f72");
    ABC.put("sha1", "a9993e364706816aba3e25717850c26c9cd0d89d");
    ABC.put("sha224", "23097d223405d8228642a477bda255b32aadbce4bda0b3f7e36c9da7");
    ABC.put("sha256", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    ABC.put(
        "sha384",
        "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed"
            + "8086072ba1e7cc2358baeca134c825a7");
    ABC.put(
        "sha512",
        "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
            + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f");
    ABC.put("sha512_224", "4634270f707b6a54daae7530460842e20e37ed265ceee9a43e8924aa");
    ABC.put("sha512_256", "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23");
    ABC.put("sha3_224", "e642824c3f8cf24ad09234ee7d3c766fc9a3a5168d0c94ad73b46fdf");
    ABC.put("sha3_256", "3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
    ABC.put(
        "sha3_384",
        "ec01498288516fc926459f58e2c6ad8df9b473cb0fc08c2596da7cf0e49be4b2"
            + "98d88cea927ac7f539f1edf228376d25");
    ABC.put(
        "sha3_512",
        "b751850b1a57168a5693cd924b6b096e08f621827444f70d884f5d0240d2712e"
            + "10e116e9192af3c91a7ec57647e3934057340b4cf408d5a56592f8274eec53f0");
    ABC.put(
        "blake2b",
        "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
            + "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
    ABC.put("blake2s", "508c5e8c327c14e2e1a72ba34eeb452f37458b209ed63a294d999b4c86675982");
  }

  @Test
  void everySupportedNameHasAKnownVector() {
    assertThat(Checksums.supportedNames()).containsExactlyElementsOf(ABC.keySet());
  }

  @Test
  void everySupportedNameDigestsAbc() {
    for (String name : Checksums.supportedNames()) {
      Hasher hasher = Checksums.newHasher(name);
      byte[] abc = "abc".getBytes(US_ASCII);
      hasher.update(abc, 0, abc.length);
      assertThat(hasher.hexDigest()).as(name).isEqualTo(ABC.get(name));
      assertThat(Checksums.hexLength(name)).as(name).isEqualTo(ABC.get(name).length());
    }
  }

  @Test
  void namesAreCaseInsensitive() {
    assertThat(Checksums.isSupported("SHA256")).isTrue();
    assertThat(Checksums.isSupported("Blake2B")).isTrue();
    assertThat(Checksums.canonicalName(" BLAKE2s ")).isEqualTo("blake2s");
    assertThat(Checksums.isSupported(null)).isFalse();
  }

  @Test
  void unknownNameListsTheSupportedOnes() {
    assertThatThrownBy(() -> Checksums.newHasher("sha257"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unknown checksum type 'sha257'; supported: md5, sha1, sha224, sha256, sha384, sha512,"
                + " sha512_224, sha512_256, sha3_224, sha3_256, sha3_384, sha3_512, blake2b,"
                + " blake2s");
  }
}
