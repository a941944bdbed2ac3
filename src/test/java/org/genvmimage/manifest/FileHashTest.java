package org.genvmimage.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FileHash against the JDK's digest of the same bytes, for sizes around the block and buffer
 * boundaries that its O_DIRECT reads work in (the temporary folder is on a disk file system here,
 * so those reads are the ones taken), and for a sparse file.
 */
class FileHashTest {
  @TempDir Path dir;

  @Test
  void everySizeAroundTheBlockAndBufferBoundariesHashesAsTheBytesDo() throws Exception {
    int chunk = 4 << 20;
    long[] sizes = {0, 1, 511, 4095, 4096, 4097, chunk - 1, chunk, chunk + 1, 3L * chunk + 12345};
    Random random = new Random(7);
    for (long size : sizes) {
      byte[] bytes = new byte[(int) size];
      random.nextBytes(bytes);
      Path file = dir.resolve("f" + size);
      Files.write(file, bytes);
      List<Long> progress = new ArrayList<>();
      assertThat(FileHash.sha256(file, progress::add)).as("size " + size).isEqualTo(sha256(bytes));
      assertThat(progress).as("size " + size).last().isEqualTo(size);
    }
  }

  @Test
  void aSparseFileHashesAsTheZerosItStandsFor() throws Exception {
    Path file = dir.resolve("sparse");
    byte[] bytes = new byte[9 << 20];
    bytes[bytes.length - 3] = 42;
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(bytes.length);
      f.seek(bytes.length - 3);
      f.write(42);
    }
    assertThat(FileHash.sha256(file, null)).isEqualTo(sha256(bytes));
  }

  private static String sha256(byte[] bytes) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
  }
}
