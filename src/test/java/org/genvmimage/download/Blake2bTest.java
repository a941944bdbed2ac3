package org.genvmimage.download;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Blake2bTest {
  /** Bytes (i * 7 + 3) mod 251, the input of the length table below. */
  static byte[] pattern(int length) {
    byte[] data = new byte[length];
    for (int i = 0; i < length; i++) {
      data[i] = (byte) ((i * 7 + 3) % 251);
    }
    return data;
  }

  static String oneShot(byte[] data) {
    Hasher hasher = Checksums.newHasher("blake2b");
    hasher.update(data, 0, data.length);
    return hasher.hexDigest();
  }

  @Test
  void rfc7693Abc() {
    assertThat(oneShot("abc".getBytes(US_ASCII)))
        .isEqualTo(
            "ba80a53f981c4d0d6a2797b69f12f6e94c212f14685ac4b74b12bb6fdbffa2d1"
                + "7d87c5392aab792dc252d5de4533cc9518d38aa8dbf1925ab92386edd4009923");
  }

  @Test
  void emptyInput() {
    assertThat(Checksums.newHasher("blake2b").hexDigest())
        .isEqualTo(
            "786a02f742015903c6c6fd852552d272912f4740e15847618a86e217f71f5419"
                + "d25e1031afee585313896444934eb04b903a685b1448b755d56f701afe9be2ce");
  }

  /** Expected values from Python's hashlib.blake2b; lengths around the 128-byte block edges. */
  @ParameterizedTest
  @CsvSource({
    "1, 4fe4da61bcc756071b226843361d74944c72245d23e8245ea678c13fdcd7fe2ae529cf999ad99cc24f7a73416a18ba53e76c0afef83b16a568b12fbfc1a2674d",
    "127, 965b0d67d74567a8e84273ff74730f14645dfb11cf263d0e20cbcb5fa3fadb5eec725f9d5dd4f4fd60ee10390fcdd3188ce53faf105d82e6594773ea398edbe1",
    "128, a4d40e9fac2f4491cc7c048202589a43de09be6e0a9e16efe8765eb2fe2c9395d27417f6e21256f26d90a1315d76e51db0045e934a29c8dae2150a4484ad5d87",
    "129, 0263b9cb461cd36c77452119f6920ce4a95a9c47f48f241377dc33d09732464c30295c38590761f1b16464f4fa54bbb37e95c6e664adf7b66800b71ffec75503",
    "255, c3dad47cc5975efc76145af76b69acb9c4ff01eeab093226d54fc0705601ec603018c811ded3463cb21f1a6c6e0d54a2812f8f3406981772896d4d97770e16ba",
    "256, 5eb68fbd373e852c1f4aaf96953c480367c87135e721deb5db341bbbc497cfae000aef2af67dbd311ecf01a42a23d442f1fec22d9a0258d8fad22da2390c0680",
    "257, c8d9abb099ddff17483c75eee9bd368102862dc1a1088d957323fa8c0527eae56e568deb089ed96ed6a66addc7469a54491ebff01a94afdfb9b5e36acd869f86",
    "1000, 4f7c042aaed7f13a9c87a6ad31816ecdd9a19bf5568d552cc9753fa5e68ed99273a7aa4990c1f462cc2b4b740e170b97820551eef6d2f8aa21401ce8c3f67ee7"
  })
  void multiBlockInputs(int length, String expected) {
    assertThat(oneShot(pattern(length))).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"1", "3", "7", "127", "128", "129", "200", "1001"})
  void oddChunksEqualOneShot(int chunk) {
    byte[] data = pattern(5000);
    Hasher arrays = Checksums.newHasher("blake2b");
    Hasher heap = Checksums.newHasher("blake2b");
    Hasher direct = Checksums.newHasher("blake2b");
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
  void sliceOfALargerArrayIsHashedAlone() {
    byte[] data = pattern(600);
    Hasher hasher = Checksums.newHasher("blake2b");
    hasher.update(data, 100, 300);
    assertThat(hasher.hexDigest()).isEqualTo(oneShot(java.util.Arrays.copyOfRange(data, 100, 400)));
  }

  @Test
  void digestIsTakenOnce() {
    Hasher hasher = Checksums.newHasher("blake2b");
    hasher.hexDigest();
    assertThatThrownBy(hasher::hexDigest).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> hasher.update(new byte[1], 0, 1))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void matchesCoreutilsB2sum(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("disk.img");
    byte[] data = new byte[3 * 1024 * 1024 + 77];
    new Random(7693).nextBytes(data);
    Files.write(file, data);

    String expected = b2sum(file);

    Hasher hasher = Checksums.newHasher("blake2b");
    try (FileChannel channel = FileChannel.open(file)) {
      ByteBuffer buffer = ByteBuffer.allocateDirect(8191);
      while (channel.read(buffer) >= 0) {
        hasher.update(buffer.flip());
        buffer.clear();
      }
    }
    assertThat(hasher.hexDigest()).isEqualTo(expected);
  }

  private static String b2sum(Path file) throws IOException, InterruptedException {
    Process process;
    try {
      process = new ProcessBuilder("b2sum", file.toString()).redirectErrorStream(true).start();
    } catch (IOException e) {
      assumeTrue(false, "b2sum (coreutils) is not installed");
      throw e;
    }
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    return output.substring(0, output.indexOf(' '));
  }
}
