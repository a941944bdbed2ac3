package org.genvmimage.process;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.genvmimage.core.DaemonThreads;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs external programs from argument lists (never through a shell): stdin is closed, stdout and
 * stderr are drained concurrently into bounded buffers (and to the spec's callbacks), and on
 * timeout, interrupt or JVM shutdown the process and its descendants are killed. Every started
 * process is registered in {@link LiveProcesses} until it ends, so that Ctrl-C leaves no orphans.
 */
public final class ProcessRunner implements CommandRunner {
  /** How many bytes of each stream a {@link ProcessResult} keeps (the last ones). */
  public static final int CAPTURE_BYTES = 64 * 1024;

  private static final Logger log = LoggerFactory.getLogger(ProcessRunner.class);
  private static final Duration GRACE = Duration.ofSeconds(2);
  private static final Duration DRAIN_WAIT = Duration.ofSeconds(5);

  @Override
  public ProcessResult run(CommandSpec spec) {
    if (Thread.currentThread().isInterrupted()) {
      throw new GenVmException(ExitCode.INTERRUPTED, "interrupted");
    }
    String shown = Commands.display(spec.command());
    if (spec.workingDir() != null && !Files.isDirectory(spec.workingDir())) {
      throw new GenVmException(
          ExitCode.TOOL_FAILED,
          "cannot run " + shown + ": working directory " + spec.workingDir() + " does not exist");
    }
    ProcessBuilder builder = new ProcessBuilder(spec.command());
    if (spec.workingDir() != null) {
      builder.directory(spec.workingDir().toFile());
    }
    builder.environment().putAll(spec.env());

    log.debug("running: {}", shown);
    long start = System.nanoTime();
    Process process;
    try {
      process = builder.start();
    } catch (IOException e) {
      throw missing(spec, e);
    }
    LiveProcesses.register(process);
    try {
      closeQuietly(process);
      Drain out = Drain.start(process.getInputStream(), spec.onStdout(), "stdout", spec);
      Drain err = Drain.start(process.getErrorStream(), spec.onStderr(), "stderr", spec);
      boolean finished = await(process, spec.timeout());
      if (!finished) {
        LiveProcesses.killTree(process, GRACE);
        out.join(GRACE);
        err.join(GRACE);
        String tail = Commands.tail(err.tail.text());
        throw new GenVmException(
            ExitCode.TOOL_FAILED,
            shown
                + " timed out after "
                + seconds(spec.timeout())
                + " s"
                + (tail.isEmpty() ? "" : ": " + tail));
      }
      out.join(DRAIN_WAIT);
      err.join(DRAIN_WAIT);
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      int code = process.exitValue();
      log.debug("exit code {} after {} ms: {}", code, elapsed.toMillis(), shown);
      String stdout = out.tail.text();
      String stderr = err.tail.text();
      if (!spec.okExitCodes().contains(code)) {
        String tail = Commands.tail(stderr.isBlank() ? stdout : stderr);
        throw new GenVmException(
            ExitCode.TOOL_FAILED,
            shown + " failed with exit code " + code + (tail.isEmpty() ? "" : ": " + tail));
      }
      out.rethrowCallbackFailure();
      err.rethrowCallbackFailure();
      return new ProcessResult(spec.command(), code, stdout, stderr, elapsed);
    } finally {
      LiveProcesses.deregister(process);
    }
  }

  /** Waits for the process; on interrupt kills it and throws INTERRUPTED (interrupt flag kept). */
  private static boolean await(Process process, Duration timeout) {
    try {
      if (timeout == null) {
        process.waitFor();
        return true;
      }
      return process.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (InterruptedException e) {
      LiveProcesses.killTree(process, GRACE);
      Thread.currentThread().interrupt();
      throw new GenVmException(ExitCode.INTERRUPTED, "interrupted", e);
    }
  }

  private static GenVmException missing(CommandSpec spec, IOException e) {
    String reason = String.valueOf(e.getMessage());
    String message =
        reason.contains("error=2,")
            ? spec.program() + " not found"
            : "cannot run "
                + spec.program()
                + " ("
                + reason.replaceFirst(".*error=\\d+, ", "")
                + ")";
    if (spec.missingHint() != null) {
      message += ": " + spec.missingHint();
    }
    return new GenVmException(ExitCode.TOOL_MISSING, message, e);
  }

  private static void closeQuietly(Process process) {
    try {
      process.getOutputStream().close();
    } catch (IOException ignored) {
      // the process has already gone; its exit code tells the rest
    }
  }

  private static String seconds(Duration duration) {
    return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString();
  }

  /** Reads one stream to its end on a daemon thread: keeps its tail, splits segments. */
  private static final class Drain implements Runnable {
    private static final int MAX_SEGMENT = 16 * 1024;

    private final InputStream in;
    private final Consumer<String> callback;
    private final Tail tail = new Tail();
    private final ByteArrayOutputStream segment = new ByteArrayOutputStream();
    private final Thread thread;
    private volatile RuntimeException callbackFailure;

    private Drain(InputStream in, Consumer<String> callback, String name) {
      this.in = in;
      this.callback = callback;
      this.thread = DaemonThreads.create(name, this);
    }

    static Drain start(InputStream in, Consumer<String> callback, String stream, CommandSpec spec) {
      Drain drain = new Drain(in, callback, stream + "-" + spec.program());
      drain.thread.start();
      return drain;
    }

    @Override
    public void run() {
      byte[] buffer = new byte[8192];
      try (in) {
        int n;
        while ((n = in.read(buffer)) != -1) {
          tail.write(buffer, n);
          if (callback != null) {
            split(buffer, n);
          }
        }
      } catch (IOException e) {
        log.debug("reading {} stopped: {}", thread.getName(), e.toString());
      }
      emit();
    }

    private void split(byte[] buffer, int length) {
      for (int i = 0; i < length; i++) {
        byte b = buffer[i];
        if (b == '\n' || b == '\r') {
          emit();
        } else {
          segment.write(b);
          if (segment.size() >= MAX_SEGMENT) {
            emit();
          }
        }
      }
    }

    private void emit() {
      if (segment.size() == 0) {
        return;
      }
      String text = segment.toString(UTF_8);
      segment.reset();
      if (callbackFailure == null) {
        try {
          callback.accept(text);
        } catch (RuntimeException e) {
          callbackFailure = e; // keep draining; reported once the process has ended
        }
      }
    }

    void join(Duration limit) {
      try {
        thread.join(limit.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    void rethrowCallbackFailure() {
      if (callbackFailure != null) {
        throw callbackFailure;
      }
    }
  }

  /** The last {@link #CAPTURE_BYTES} bytes written. */
  private static final class Tail {
    private final byte[] ring = new byte[CAPTURE_BYTES];
    private long total;

    synchronized void write(byte[] bytes, int length) {
      for (int i = 0; i < length; ) {
        int pos = (int) (total % ring.length);
        int n = Math.min(length - i, ring.length - pos);
        System.arraycopy(bytes, i, ring, pos, n);
        i += n;
        total += n;
      }
    }

    synchronized String text() {
      int size = (int) Math.min(total, ring.length);
      int start = (int) ((total - size) % ring.length);
      byte[] out = new byte[size];
      int first = Math.min(size, ring.length - start);
      System.arraycopy(ring, start, out, 0, first);
      System.arraycopy(ring, 0, out, first, size - first);
      int skip = 0;
      while (total > ring.length && skip < size && (out[skip] & 0xC0) == 0x80) {
        skip++; // a multi-byte character cut by the ring
      }
      return new String(out, skip, size - skip, UTF_8);
    }
  }
}
