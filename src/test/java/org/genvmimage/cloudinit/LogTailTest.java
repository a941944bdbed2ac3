package org.genvmimage.cloudinit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class LogTailTest {
  private static final Duration FAST = Duration.ofMillis(10);

  @TempDir Path dir;

  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();

  private List<String> take(int count) throws InterruptedException {
    List<String> taken = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      String line = lines.poll(10, TimeUnit.SECONDS);
      assertThat(line).as("line %d of %d (got %s)", i + 1, count, taken).isNotNull();
      taken.add(line);
    }
    return taken;
  }

  private static void append(OutputStream out, byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  @Test
  void picksUpAppendedChunksSplitMidLine() throws Exception {
    Path log = dir.resolve("serial.log");
    byte[] text = "first line\r\nsecond lïne\nthird\r\n".getBytes(UTF_8);
    try (OutputStream out = Files.newOutputStream(log);
        LogTail tail = LogTail.start(log, lines::add, FAST)) {
      // cut after "fir", inside "\r\n", and between the two bytes of "ï"
      int[] cuts = {3, 11, 21, text.length};
      int from = 0;
      for (int cut : cuts) {
        append(out, java.util.Arrays.copyOfRange(text, from, cut));
        from = cut;
        Thread.sleep(50);
      }

      assertThat(take(3)).containsExactly("first line", "second lïne", "third");
      assertThat(tail.failure()).isEmpty();
    }
    assertThat(lines).isEmpty();
  }

  @Test
  void fileMayAppearAfterTheTailStarts() throws Exception {
    Path log = dir.resolve("later.log");
    try (LogTail tail = LogTail.start(log, lines::add, FAST)) {
      Thread.sleep(50);
      Files.writeString(log, "hello\n");

      assertThat(take(1)).containsExactly("hello");
      assertThat(tail.isRunning()).isTrue();
    }
  }

  @Test
  void closeHandsOverTheLastUnfinishedLineAndStopsPromptly() throws Exception {
    Path log = dir.resolve("serial.log");
    Files.writeString(log, "done\ndebian login: ");
    LogTail tail = LogTail.start(log, lines::add, Duration.ofMinutes(5));
    assertThat(take(1)).containsExactly("done");

    long start = System.nanoTime();
    tail.close();

    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
    assertThat(tail.isRunning()).isFalse();
    assertThat(take(1)).containsExactly("debian login: ");
    assertThat(tail.failure()).isEmpty();
  }

  @Test
  void readsWhatWasWrittenJustBeforeClose() throws Exception {
    Path log = dir.resolve("serial.log");
    Files.createFile(log);
    LogTail tail = LogTail.start(log, lines::add, Duration.ofMinutes(5));
    Thread.sleep(50);
    Files.writeString(log, "one\ntwo\n", StandardOpenOption.APPEND);

    tail.close();

    assertThat(lines).containsExactly("one", "two");
  }

  @Test
  void truncatedOrReplacedFileIsReadFromTheStart() throws Exception {
    Path log = dir.resolve("serial.log");
    Files.writeString(log, "old boot, a long line that makes the file big\n");
    try (LogTail tail = LogTail.start(log, lines::add, FAST)) {
      assertThat(take(1)).containsExactly("old boot, a long line that makes the file big");

      Files.writeString(log, "new\n"); // truncates: shorter than what was read
      assertThat(take(1)).containsExactly("new");

      Files.delete(log);
      Files.writeString(log, "replaced and longer than before\n");
      assertThat(take(1)).containsExactly("replaced and longer than before");
      assertThat(tail.failure()).isEmpty();
    }
  }

  @SuppressWarnings("try") // the resource is held for the body, never used in it
  @Test
  void veryLongLinesComeInPieces() throws Exception {
    Path log = dir.resolve("serial.log");
    Files.writeString(log, "x".repeat(LogTail.MAX_LINE_BYTES + 5) + "\n");
    try (LogTail tail = LogTail.start(log, lines::add, FAST)) {
      assertThat(take(2)).containsExactly("x".repeat(LogTail.MAX_LINE_BYTES), "x".repeat(5));
    }
  }

  @Test
  void aFailingConsumerStopsTheTailAndIsReported() throws Exception {
    Path log = dir.resolve("serial.log");
    Files.writeString(log, "boom\n");
    LogTail tail =
        LogTail.start(
            log,
            line -> {
              throw new IllegalStateException("consumer failed on " + line);
            },
            FAST);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (tail.isRunning() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }

    assertThat(tail.isRunning()).isFalse();
    assertThat(tail.failure()).get().asString().contains("consumer failed on boom");
    tail.close();
  }

  @Test
  void feedsTheWatcherFromAGrowingSerialLog() throws Exception {
    Path log = dir.resolve("serial.log");
    CloudInitWatcher watcher = new CloudInitWatcher();
    byte[] console = ConsoleSamples.DEBIAN_12.getBytes(UTF_8);
    try (OutputStream out = Files.newOutputStream(log);
        LogTail tail = LogTail.start(log, watcher, FAST)) {
      for (int from = 0; from < console.length; from += 97) {
        append(
            out, java.util.Arrays.copyOfRange(console, from, Math.min(console.length, from + 97)));
        if (from % 970 == 0) {
          Thread.sleep(5);
        }
      }

      assertThat(watcher.await(Duration.ofSeconds(20))).isTrue();
      assertThat(watcher.finished().orElseThrow().version()).isEqualTo("22.4.2");
      assertThat(tail.failure()).isEmpty();
    }
    assertThat(watcher.problems()).hasSize(3); // the last one follows the final message
  }
}
