package org.genvmimage.qemu;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.genvmimage.core.DaemonThreads;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.process.Commands;
import org.genvmimage.process.LiveProcesses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A long-running program started without waiting for it (as a VM is): stdin is closed, stdout and
 * stderr are merged and drained on a daemon thread into a bounded tail (for error messages) and to
 * an optional line callback. Every started process is registered in {@link LiveProcesses} until it
 * has ended, so that Ctrl-C or SIGTERM leaves no orphan behind.
 */
public final class BackgroundProcess implements AutoCloseable {
  /** How many characters of output the tail keeps (the last ones). */
  public static final int TAIL_CHARS = 16 * 1024;

  private static final Logger log = LoggerFactory.getLogger(BackgroundProcess.class);
  private static final Duration TERM_GRACE = Duration.ofSeconds(3);
  private static final Duration DRAIN_WAIT = Duration.ofSeconds(2);

  private final List<String> command;
  private final Process process;
  private final Thread drain;
  private final Deque<String> lines = new ArrayDeque<>();
  private int tailLength;

  private BackgroundProcess(List<String> command, Process process, Consumer<String> onLine) {
    this.command = command;
    this.process = process;
    this.drain = DaemonThreads.create("output-" + programName(command), () -> drain(onLine));
  }

  /**
   * Starts the command and returns at once.
   *
   * @param onLine receives each line of output (stdout and stderr merged), or null
   * @param missingHint what to tell the user when the program cannot be started, or null
   * @throws GenVmException TOOL_MISSING when the program cannot be started
   */
  public static BackgroundProcess start(
      List<String> command, Consumer<String> onLine, String missingHint) {
    return start(command, onLine, missingHint, new byte[0]);
  }

  /**
   * Starts the command with {@code input} on its stdin (then closed) and returns at once.
   *
   * @see #start(List, Consumer, String)
   */
  public static BackgroundProcess start(
      List<String> command, Consumer<String> onLine, String missingHint, byte[] input) {
    List<String> copy = List.copyOf(command);
    ProcessBuilder builder = new ProcessBuilder(copy).redirectErrorStream(true);
    log.debug("starting: {}", Commands.display(copy));
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      String reason = String.valueOf(e.getMessage());
      String message =
          reason.contains("error=2,")
              ? copy.get(0) + " not found"
              : "cannot run "
                  + copy.get(0)
                  + " ("
                  + reason.replaceFirst(".*error=\\d+, ", "")
                  + ")";
      throw new GenVmException(
          ExitCode.TOOL_MISSING, missingHint == null ? message : message + ": " + missingHint, e);
    }
    BackgroundProcess started = new BackgroundProcess(copy, process, onLine);
    LiveProcesses.register(process);
    started.drain.start();
    try (var stdin = process.getOutputStream()) {
      stdin.write(input);
    } catch (IOException ignored) {
      // the process has already gone; its exit code and output tell the rest
    }
    return started;
  }

  /** The argument list that started this process. */
  public List<String> command() {
    return command;
  }

  /** The process id. */
  public long pid() {
    return process.pid();
  }

  /** The process, for {@link ProcessHandle} queries. */
  public ProcessHandle handle() {
    return process.toHandle();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Completes with the exit code when the process has ended. */
  public CompletableFuture<Integer> onExit() {
    return process.onExit().thenApply(Process::exitValue);
  }

  /** The exit code, or empty while the process runs. */
  public Optional<Integer> exitCode() {
    return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
  }

  /**
   * Waits up to {@code limit} for the process to end.
   *
   * @return whether it has ended
   * @throws GenVmException INTERRUPTED when the calling thread is interrupted (flag kept)
   */
  public boolean waitFor(Duration limit) {
    try {
      boolean ended = process.waitFor(Math.max(0, limit.toNanos()), TimeUnit.NANOSECONDS);
      if (ended) {
        LiveProcesses.deregister(process);
      }
      return ended;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new GenVmException(ExitCode.INTERRUPTED, "interrupted", e);
    }
  }

  /**
   * The output so far (the last {@value #TAIL_CHARS} characters). Once the process has ended, waits
   * briefly for the drain so that its last words are included.
   */
  public String output() {
    if (!process.isAlive()) {
      try {
        drain.join(DRAIN_WAIT.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    synchronized (lines) {
      return String.join("\n", lines);
    }
  }

  /** SIGTERM, then SIGKILL when the process outlives {@code grace}; waits until it has ended. */
  public void terminate(Duration grace) {
    if (process.isAlive()) {
      LiveProcesses.killTree(process, grace);
    }
    kill();
  }

  /** SIGKILL; waits (uninterruptibly, as the kernel reaps it at once) until the process ended. */
  public void kill() {
    process.destroyForcibly();
    boolean interrupted = false;
    while (true) {
      try {
        process.waitFor();
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    LiveProcesses.deregister(process);
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Guarantees that the process has ended: SIGTERM with a short grace, then SIGKILL. */
  @Override
  public void close() {
    terminate(TERM_GRACE);
  }

  private void drain(Consumer<String> onLine) {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try (InputStream in = process.getInputStream()) {
      int n;
      while ((n = in.read(buffer)) != -1) {
        for (int i = 0; i < n; i++) {
          byte b = buffer[i];
          if (b == '\n' || b == '\r') {
            emit(line, onLine);
          } else if (line.size() < TAIL_CHARS) {
            line.write(b);
          }
        }
      }
    } catch (IOException e) {
      log.debug("reading output of {} stopped: {}", command.get(0), e.toString());
    }
    emit(line, onLine);
  }

  private void emit(ByteArrayOutputStream line, Consumer<String> onLine) {
    if (line.size() == 0) {
      return;
    }
    String text = line.toString(UTF_8);
    line.reset();
    synchronized (lines) {
      lines.addLast(text);
      tailLength += text.length() + 1;
      while (tailLength > TAIL_CHARS && lines.size() > 1) {
        tailLength -= lines.removeFirst().length() + 1;
      }
    }
    if (onLine != null) {
      try {
        onLine.accept(text);
      } catch (RuntimeException e) {
        log.debug("output callback failed: {}", e.toString());
      }
    }
  }

  private static String programName(List<String> command) {
    String program = command.get(0);
    return program.substring(program.lastIndexOf('/') + 1);
  }

  @Override
  public String toString() {
    return "pid " + process.pid() + ": " + Commands.display(command);
  }
}
