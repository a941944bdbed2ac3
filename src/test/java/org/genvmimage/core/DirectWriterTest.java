package org.genvmimage.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class DirectWriterTest {
  @TempDir Path dir;

  static byte[] random(int n, long seed) {
    byte[] b = new byte[n];
    new Random(seed).nextBytes(b);
    return b;
  }

  @Test
  @Timeout(20)
  void aWriterThreadThatEndedFailsTheCallerInsteadOfHangingIt() throws Exception {
    Path file = dir.resolve("orphaned.bin");
    try (DirectWriter w = DirectWriter.create(file)) {
      Thread writer =
          Thread.getAllStackTraces().keySet().stream()
              .filter(t -> t.getName().equals("write orphaned.bin"))
              .findFirst()
              .orElseThrow();
      writer.interrupt(); // ends its loop, as an error it could not record would
      writer.join(5_000);
      assertThat(writer.isAlive()).isFalse();
      byte[] data = random(3 * DirectWriter.CHUNK, 9);
      assertThatThrownBy(
              () -> {
                w.write(data, 0, data.length);
                w.flush();
              })
          .isInstanceOf(IOException.class)
          .hasMessageContaining("orphaned.bin");
    }
  }

  @Test
  void writesOddSizedPiecesExactlyAndForcesThem() throws IOException {
    Path file = dir.resolve("out.bin");
    byte[] data = random(3 * DirectWriter.CHUNK + 4097, 1);
    try (DirectWriter w = DirectWriter.create(file)) {
      int at = 0;
      int[] pieces = {1, 4095, 100_000, DirectWriter.CHUNK, 7};
      for (int i = 0; at < data.length; i++) {
        int n = Math.min(pieces[i % pieces.length], data.length - at);
        w.write(data, at, n);
        at += n;
      }
      assertThat(w.size()).isEqualTo(data.length);
      w.finish();
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(data);
  }

  @Test
  void flushMakesAPartialBlockVisibleAndLaterBytesRewriteIt() throws IOException {
    Path file = dir.resolve("part");
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    try (DirectWriter w = DirectWriter.create(file)) {
      byte[] a = random(5000, 2);
      w.write(a, 0, a.length);
      expected.write(a);
      w.flush();
      assertThat(Files.readAllBytes(file)).isEqualTo(expected.toByteArray());
      byte[] b = random(10_000, 3);
      w.write(b, 0, b.length);
      expected.write(b);
      w.flush();
      assertThat(Files.readAllBytes(file)).isEqualTo(expected.toByteArray());
    } // closed without finish: what was flushed stays
    assertThat(Files.readAllBytes(file)).isEqualTo(expected.toByteArray());
  }

  @Test
  void copiesASourceReadPastThePageCacheWhateverItsSize() throws IOException {
    for (int size : new int[] {0, 1, 4095, 4097, DirectWriter.CHUNK, 2 * DirectWriter.CHUNK + 77}) {
      byte[] data = random(size, size);
      Path source = dir.resolve("source" + size);
      Path target = dir.resolve("target" + size);
      Files.write(source, data);
      try (FileChannel in = DirectWriter.openForReading(source);
          DirectWriter out = DirectWriter.create(target)) {
        out.transferFrom(in, () -> {});
        out.finish();
      }
      assertThat(Files.readAllBytes(target)).as("size " + size).isEqualTo(data);
    }
  }

  @Test
  void appendContinuesAfterAnUnalignedEnd() throws IOException {
    Path file = dir.resolve("resume");
    byte[] first = random(12_345, 4);
    Files.write(file, first);
    byte[] more = random(DirectWriter.CHUNK + 3, 5);
    try (DirectWriter w = DirectWriter.append(file, true)) {
      assertThat(w.size()).isEqualTo(first.length);
      w.write(more, 0, more.length);
      w.finish();
    }
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    expected.write(first);
    expected.write(more);
    assertThat(Files.readAllBytes(file)).isEqualTo(expected.toByteArray());
  }

  @Test
  void truncateToZeroStartsAgain() throws IOException {
    Path file = dir.resolve("again");
    byte[] a = random(DirectWriter.CHUNK + 10, 6);
    byte[] b = random(777, 7);
    try (DirectWriter w = DirectWriter.append(file, false)) {
      w.write(a, 0, a.length);
      w.truncateToZero();
      assertThat(w.size()).isZero();
      w.write(b, 0, b.length);
      w.finish();
    }
    assertThat(Files.readAllBytes(file)).isEqualTo(b);
  }

  @SuppressWarnings("try") // the resource is held for the body, never used in it
  @Test
  void aWriteErrorIsReportedWithTheFileName() throws IOException {
    Path file = dir.resolve("gone");
    DirectWriter w = DirectWriter.create(file);
    try (FileChannel ignored = FileChannel.open(file, StandardOpenOption.READ)) {
      w.close(); // the file is closed under the writer
      byte[] a = random(10, 8);
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () -> {
                w.write(a, 0, a.length);
                w.finish();
              })
          .isInstanceOf(IOException.class)
          .hasMessageContaining("gone");
    }
  }
}
