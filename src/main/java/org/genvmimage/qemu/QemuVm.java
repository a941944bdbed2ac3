package org.genvmimage.qemu;

import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.process.Commands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running QEMU with a QMP connection. {@link #start} starts the emulator (registered for cleanup
 * on Ctrl-C, output kept for error messages) and connects to QMP; {@link #powerOff} ends it the
 * gentle way first; {@link #close()} guarantees that no QEMU process remains, and removes the QMP
 * socket.
 */
public final class QemuVm implements AutoCloseable {
  /** How long {@link #start} waits for QMP by default. */
  public static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(30);

  /** How long {@link #powerOff} waits for QEMU to exit after {@code quit}. */
  static final Duration QUIT_WAIT = Duration.ofSeconds(10);

  /** How long a failed start waits for QEMU to exit, to report its exit code and output. */
  private static final Duration EXIT_WAIT = Duration.ofSeconds(3);

  private static final Duration TERM_GRACE = Duration.ofSeconds(3);
  private static final Logger log = LoggerFactory.getLogger(QemuVm.class);

  /** How {@link #powerOff} ended the VM. */
  public enum Ending {
    /** The guest shut down after the ACPI power button, and QEMU exited. */
    GUEST_POWERED_OFF,
    /** The guest did not shut down within the grace period; QMP {@code quit} ended QEMU. */
    QUIT,
    /** QEMU ignored {@code quit} too and was killed. */
    KILLED,
    /** QEMU had already exited. */
    ALREADY_EXITED
  }

  /**
   * The outcome of {@link #powerOff}.
   *
   * @param ending how QEMU ended
   * @param exitCode QEMU's exit code
   * @param shutdownReason the reason of QEMU's {@code SHUTDOWN} event (e.g. {@code guest-shutdown},
   *     {@code host-qmp-quit}), or null when there was none
   */
  public record PowerOff(Ending ending, int exitCode, String shutdownReason) {
    /** Whether the guest shut itself down (its file systems are clean). */
    public boolean clean() {
      return ending == Ending.GUEST_POWERED_OFF && "guest-shutdown".equals(shutdownReason);
    }
  }

  private final QemuSystemCommand command;
  private final QmpSocketPath socket;
  private final BackgroundProcess process;
  private final QmpClient qmp;

  private QemuVm(
      QemuSystemCommand command, QmpSocketPath socket, BackgroundProcess process, QmpClient qmp) {
    this.command = command;
    this.socket = socket;
    this.process = process;
    this.qmp = qmp;
  }

  /** {@link #start(QemuSystemCommand, Duration)} with {@link #DEFAULT_CONNECT_TIMEOUT}. */
  public static QemuVm start(QemuSystemCommand command) {
    return start(command, DEFAULT_CONNECT_TIMEOUT);
  }

  /**
   * Starts QEMU and connects to its QMP socket. The socket is the command's (a path too long for a
   * unix socket is served through a link, see {@link QmpSocketPath}), or a private one when the
   * command has none.
   *
   * @throws GenVmException TOOL_MISSING when the emulator cannot be started; TOOL_FAILED ("{@code
   *     <command> exited with N: <output tail>}") when QEMU exits before QMP is ready, or when QMP
   *     is not ready within {@code connectTimeout}; INTERRUPTED
   */
  public static QemuVm start(QemuSystemCommand command, Duration connectTimeout) {
    QmpSocketPath socket = QmpSocketPath.prepare(command.qmpSocket().orElse(null));
    QemuSystemCommand effective = command.withQmpSocket(socket.socket());
    if (socket.linked()) {
      log.info("QMP socket: {} (a link to {})", socket.requested().orElseThrow(), socket.socket());
    }
    BackgroundProcess process;
    try {
      process =
          BackgroundProcess.start(
              effective.arguments(),
              line -> log.debug("qemu: {}", line),
              EmulatorLocator.MISSING_HINT);
    } catch (RuntimeException e) {
      socket.close();
      throw e;
    }
    try {
      QmpClient qmp = QmpClient.connect(socket.socket(), connectTimeout, process::isAlive);
      log.debug("QEMU started (pid {}), QMP ready on {}", process.pid(), socket);
      return new QemuVm(effective, socket, process, qmp);
    } catch (GenVmException e) {
      try {
        if (e.exitCode() != ExitCode.INTERRUPTED.code() && process.waitFor(EXIT_WAIT)) {
          throw exited(effective.arguments(), process, e);
        }
        throw e;
      } finally {
        process.close();
        socket.close();
      }
    } catch (RuntimeException e) {
      process.close();
      socket.close();
      throw e;
    }
  }

  /** The command that runs (with the socket actually used). */
  public QemuSystemCommand command() {
    return command;
  }

  /** The QMP connection. */
  public QmpClient qmp() {
    return qmp;
  }

  /** Where QMP listens (and the link the user asked for, if any). */
  public QmpSocketPath socket() {
    return socket;
  }

  /** QEMU's process. */
  public ProcessHandle process() {
    return process.handle();
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** Completes with QEMU's exit code when it has exited. */
  public CompletableFuture<Integer> onExit() {
    return process.onExit();
  }

  /** QEMU's exit code, or empty while it runs. */
  public Optional<Integer> exitCode() {
    return process.exitCode();
  }

  /** The last lines QEMU wrote to stdout and stderr. */
  public String output() {
    return process.output();
  }

  /**
   * The error for QEMU having exited: "{@code <command> exited with N: <output tail>}"
   * (TOOL_FAILED).
   *
   * @throws IllegalStateException while QEMU runs
   */
  public GenVmException exitedError() {
    if (process.isAlive()) {
      throw new IllegalStateException("QEMU is still running");
    }
    return exited(command.arguments(), process, null);
  }

  /**
   * Waits up to {@code limit} for QEMU to exit on its own.
   *
   * @return whether it has exited
   */
  public boolean awaitExit(Duration limit) {
    return process.waitFor(limit);
  }

  /**
   * Powers the VM off: presses the ACPI power button ({@code system_powerdown}) and waits up to
   * {@code grace} for the guest to shut down and QEMU to exit; then asks QEMU to {@code quit} (the
   * guest's file systems may then be unclean); then kills it. Returns once QEMU has exited.
   *
   * @throws GenVmException INTERRUPTED when the calling thread is interrupted (QEMU is then killed)
   */
  public PowerOff powerOff(Duration grace) {
    if (!process.isAlive()) {
      return new PowerOff(
          Ending.ALREADY_EXITED, process.exitCode().orElseThrow(), shutdownReason());
    }
    try {
      try {
        qmp.systemPowerdown();
      } catch (QmpException e) {
        log.debug("system_powerdown: {}", e.getMessage());
      }
      if (process.waitFor(grace)) {
        return new PowerOff(
            Ending.GUEST_POWERED_OFF, process.exitCode().orElseThrow(), shutdownReason());
      }
      log.info(
          "the guest did not power off within {} s; stopping QEMU",
          BigDecimal.valueOf(grace.toMillis(), 3).stripTrailingZeros().toPlainString());
      try {
        qmp.quit(QUIT_WAIT);
      } catch (QmpException e) {
        log.debug("quit: {}", e.getMessage());
      }
      if (process.waitFor(QUIT_WAIT)) {
        return new PowerOff(Ending.QUIT, process.exitCode().orElseThrow(), shutdownReason());
      }
      log.warn("QEMU (pid {}) ignored quit; killing it", process.pid());
      process.terminate(TERM_GRACE);
      return new PowerOff(Ending.KILLED, process.exitCode().orElseThrow(), shutdownReason());
    } catch (GenVmException e) {
      if (e.exitCode() == ExitCode.INTERRUPTED.code()) {
        process.kill();
      }
      throw e;
    }
  }

  /** Kills QEMU at once (SIGKILL) and waits until it has gone. */
  public void kill() {
    process.kill();
  }

  /**
   * Closes QMP, ends QEMU if it still runs (SIGTERM, then SIGKILL after a short grace; waits for
   * it), and removes the QMP socket. Afterwards no QEMU process of this VM remains.
   */
  @Override
  public void close() {
    try {
      qmp.close();
    } finally {
      try {
        process.close();
      } finally {
        socket.close();
      }
    }
  }

  /** The reason of the SHUTDOWN event, if one arrived (QEMU has exited: no waiting). */
  private String shutdownReason() {
    return qmp.awaitEvent("SHUTDOWN", Duration.ofMillis(200))
        .map(event -> event.data().path("reason").asText(null))
        .orElse(null);
  }

  private static GenVmException exited(
      List<String> arguments, BackgroundProcess process, Throwable cause) {
    String tail = Commands.tail(process.output());
    return new GenVmException(
        ExitCode.TOOL_FAILED,
        Commands.display(arguments)
            + " exited with "
            + process.exitCode().orElseThrow()
            + (tail.isEmpty() ? "" : ": " + tail),
        cause);
  }

  @Override
  public String toString() {
    return "QEMU pid " + process.pid() + " (QMP " + socket + ")";
  }
}
