package org.genvmimage.compress;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Random;
import org.genvmimage.testing.Compressed;
import org.genvmimage.testing.TestImages;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SparseDecompressorTest {
  private static final int MIB = 1 << 20;

  @TempDir Path dir;

  /** 8 MiB: random data in the first and the sixth MiB, zeros elsewhere (and at the end). */
  private static byte[] mostlyZeros() {
    byte[] data = new byte[8 * MIB];
    Random random = new Random(42);
    byte[] chunk = new byte[MIB];
    random.nextBytes(chunk);
    System.arraycopy(chunk, 0, data, 0, MIB);
    random.nextBytes(chunk);
    System.arraycopy(chunk, 0, data, 5 * MIB + 123, MIB - 200);
    return data;
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void decompressesWholeAndSparse(Codec codec) throws Exception {
    byte[] data = mostlyZeros();
    Path source = dir.resolve("image.compressed");
    Files.write(source, Compressed.compress(data, codec));
    assertThat(Codec.sniff(source)).isEqualTo(codec);
    Path target = Files.createFile(dir.resolve("image.raw"));
    long[] lastRead = {-1};

    long size = SparseDecompressor.decompress(source, codec, target, (n, t) -> lastRead[0] = n);

    assertThat(size).isEqualTo(data.length);
    assertThat(Files.size(target)).isEqualTo(data.length);
    assertThat(Arrays.equals(Files.readAllBytes(target), data)).isTrue();
    assertThat(lastRead[0]).isEqualTo(Files.size(source));
    // about 2 MiB of data in an 8 MiB file: the zeros are holes
    assertThat(allocatedBytes(target)).isLessThan(3L * MIB);
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void concatenatedStreamsDecompressWhole(Codec codec) throws Exception {
    byte[] first = new byte[300_000];
    byte[] second = new byte[200_000];
    new Random(1).nextBytes(first);
    new Random(2).nextBytes(second);
    ByteArrayOutputStream both = new ByteArrayOutputStream();
    both.write(Compressed.compress(first, codec));
    both.write(Compressed.compress(second, codec));
    Path source = Files.write(dir.resolve("two"), both.toByteArray());
    Path target = Files.createFile(dir.resolve("out"));

    SparseDecompressor.decompress(source, codec, target, (n, t) -> {});

    byte[] expected = new byte[first.length + second.length];
    System.arraycopy(first, 0, expected, 0, first.length);
    System.arraycopy(second, 0, expected, first.length, second.length);
    assertThat(Arrays.equals(Files.readAllBytes(target), expected)).isTrue();
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void aTruncatedStreamIsTheCodecsError(Codec codec) throws Exception {
    byte[] data = new byte[2 * MIB];
    new Random(3).nextBytes(data);
    byte[] compressed = Compressed.compress(data, codec);
    Path source =
        Files.write(dir.resolve("cut"), Arrays.copyOf(compressed, compressed.length * 2 / 3));
    Path target = Files.createFile(dir.resolve("out"));

    assertThatThrownBy(() -> SparseDecompressor.decompress(source, codec, target, (n, t) -> {}))
        .isInstanceOf(SparseDecompressor.CorruptStreamException.class)
        .hasMessageStartingWith(codec.label() + ": ");
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void aCorruptStreamIsTheCodecsError(Codec codec) throws Exception {
    byte[] data = new byte[MIB];
    new Random(4).nextBytes(data);
    byte[] compressed = Compressed.compress(data, codec);
    for (int i = compressed.length / 3; i < compressed.length / 3 + 64; i++) {
      compressed[i] ^= 0x5a;
    }
    Path source = Files.write(dir.resolve("bad"), compressed);
    Path target = Files.createFile(dir.resolve("out"));

    assertThatThrownBy(() -> SparseDecompressor.decompress(source, codec, target, (n, t) -> {}))
        .isInstanceOf(SparseDecompressor.CorruptStreamException.class)
        .hasMessageStartingWith(codec.label() + ": ");
  }

  @ParameterizedTest
  @EnumSource(Codec.class)
  void theFileNameDoesNotCount(Codec codec) throws Exception {
    Path source = dir.resolve("image.qcow2.xz");
    Files.write(source, Compressed.compress(new byte[] {1, 2, 3}, codec));
    assertThat(Codec.sniff(source)).isEqualTo(codec);
    assertThat(Codec.byName("Fedora-Cloud-Base-Generic-41-1.4.x86_64.raw.xz")).isEqualTo(Codec.XZ);
    assertThat(Codec.byName("flatcar_production_qemu_image.img.bz2")).isEqualTo(Codec.BZIP2);
    assertThat(Codec.byName("FreeBSD-14.2-RELEASE-amd64.qcow2.xz")).isEqualTo(Codec.XZ);
    assertThat(Codec.byName("openSUSE-Leap-15.6.x86_64-NoCloud.qcow2")).isNull();
  }

  private static long allocatedBytes(Path file) throws Exception {
    String[] blocks = TestImages.run("stat", "-c", "%b %B", file.toString()).trim().split(" ");
    return Long.parseLong(blocks[0]) * Long.parseLong(blocks[1]);
  }
}
