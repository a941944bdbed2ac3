package org.genvmimage.cloudinit;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.genvmimage.core.DaemonThreads;

/**
 * Follows a growing file, such as the serial log that QEMU writes with {@code -serial file:...}, on
 * a background thread, and hands each complete line to a consumer (without its {@code \n} or {@code
 * \r\n}; bytes that are not UTF-8 become U+FFFD).
 *
 * <p>The file may appear after the tail starts. It is polled every {@code interval}; when it
 * shrinks or is replaced by a new file it is read again from the beginning. Delete an old log
 * before the guest starts, so that no line of an earlier boot is taken for this one. A line longer
 * than {@value #MAX_LINE_BYTES} bytes is handed over in pieces. {@link #close()} stops promptly: it
 * reads what is there once more, hands over a last line that has no line end, and waits for the
 * thread to end.
 */
public final class LogTail implements AutoCloseable {
  /** The default polling interval. */
  public static final Duration DEFAULT_INTERVAL = Duration.ofMillis(100);

  /** Longer lines are handed over in pieces of this many bytes. */
  public static final int MAX_LINE_BYTES = 64 * 1024;

  private static final Duration JOIN_TIMEOUT = Duration.ofSeconds(10);

  private final Path file;
  private final Consumer<String> lines;
  private final long intervalMillis;
  private final Thread thread;
  private final Object lock = new Object();
  private final ByteArrayOutputStream line = new ByteArrayOutputStream();
  private final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
  private volatile boolean stop;
  private volatile Exception failure;
  private FileChannel channel;
  private Object fileKey;
  private long position;

  private LogTail(Path file, Consumer<String> lines, Duration interval) {
    this.file = Objects.requireNonNull(file, "file");
    this.lines = Objects.requireNonNull(lines, "lines");
    this.intervalMillis = Math.max(1, interval.toMillis());
    this.thread = DaemonThreads.create("tail " + file.getFileName(), this::run);
  }

  /** Starts following {@code file}, polling every {@link #DEFAULT_INTERVAL}. */
  public static LogTail start(Path file, Consumer<String> lines) {
    return start(file, lines, DEFAULT_INTERVAL);
  }

  /** Starts following {@code file}, polling every {@code interval}. */
  public static LogTail start(Path file, Consumer<String> lines, Duration interval) {
    LogTail tail = new LogTail(file, lines, interval);
    tail.thread.start();
    return tail;
  }

  /** Why the tail stopped early: the file could not be read, or the consumer threw. */
  public Optional<Exception> failure() {
    return Optional.ofNullable(failure);
  }

  /** Whether the tail's thread still runs. */
  public boolean isRunning() {
    return thread.isAlive();
  }

  /**
   * Stops following: reads what the file holds once more, hands over the last unfinished line, and
   * waits (up to 10 seconds) for the thread to end.
   */
  @Override
  public void close() {
    synchronized (lock) {
      stop = true;
      lock.notifyAll();
    }
    try {
      thread.join(JOIN_TIMEOUT.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    try {
      while (true) {
        boolean stopping = stop;
        readAvailable();
        if (stopping) {
          break;
        }
        synchronized (lock) {
          if (!stop) {
            lock.wait(intervalMillis);
          }
        }
      }
      if (line.size() > 0) {
        handOver();
      }
    } catch (IOException | RuntimeException e) {
      failure = e;
    } catch (InterruptedException e) {
      failure = e;
      Thread.currentThread().interrupt();
    } finally {
      closeChannel();
    }
  }

  private void readAvailable() throws IOException {
    if (channel == null || channel.size() < position || replaced()) {
      reopen(); // not open yet, truncated, or replaced: read from the beginning
      if (channel == null) {
        return;
      }
    }
    int n;
    while ((n = channel.read(buffer.clear(), position)) > 0) {
      position += n;
      byte[] bytes = buffer.array();
      for (int i = 0; i < n; i++) {
        if (bytes[i] == '\n') {
          handOver();
        } else {
          line.write(bytes[i]);
          if (line.size() >= MAX_LINE_BYTES) {
            handOver();
          }
        }
      }
    }
  }

  /** Whether the path now names another file than the one open (deleted and created again). */
  private boolean replaced() {
    try {
      Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
      return key != null && !key.equals(fileKey);
    } catch (IOException gone) {
      return false; // keep reading the open file
    }
  }

  private void reopen() throws IOException {
    closeChannel();
    position = 0;
    line.reset();
    try {
      channel = FileChannel.open(file, StandardOpenOption.READ);
      fileKey = Files.readAttributes(file, BasicFileAttributes.class).fileKey();
    } catch (NoSuchFileException notYet) {
      channel = null;
    }
  }

  private void handOver() {
    byte[] bytes = line.toByteArray();
    line.reset();
    int length = bytes.length;
    if (length > 0 && bytes[length - 1] == '\r') {
      length--;
    }
    lines.accept(new String(bytes, 0, length, UTF_8));
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException ignored) {
        // read-only channel: nothing to lose
      }
      channel = null;
    }
  }
}
