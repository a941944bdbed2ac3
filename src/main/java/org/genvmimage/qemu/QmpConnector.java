package org.genvmimage.qemu;

import java.io.IOException;
import java.math.BigDecimal;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/** Opens the unix socket of QMP, retrying while QEMU is still starting. */
final class QmpConnector {
  private static final Duration RETRY_PAUSE = Duration.ofMillis(50);

  private QmpConnector() {}

  /**
   * Connects to {@code socket}, retrying while it does not exist or refuses.
   *
   * @param deadline the {@link System#nanoTime()} by which to give up
   * @param timeout the limit the deadline stands for (for the message)
   * @param keepTrying asked before each retry; false stops at once
   * @throws GenVmException TOOL_FAILED when no connection is made in time or {@code keepTrying}
   *     says stop, INTERRUPTED when the calling thread is interrupted
   * @throws IllegalArgumentException when {@code socket} is too long for a unix socket address
   */
  static SocketChannel open(
      Path socket, long deadline, Duration timeout, BooleanSupplier keepTrying) {
    if (!QmpSocketPath.fits(socket)) {
      throw new IllegalArgumentException(
          "unix socket paths are limited to "
              + QmpSocketPath.MAX_BYTES
              + " bytes (use QmpSocketPath for longer ones): "
              + socket);
    }
    UnixDomainSocketAddress address = UnixDomainSocketAddress.of(socket);
    while (true) {
      IOException failure;
      try {
        SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        try {
          channel.connect(address);
          return channel;
        } catch (IOException e) {
          channel.close();
          failure = e;
        }
      } catch (IOException e) {
        failure = e;
      }
      if (!keepTrying.getAsBoolean()) {
        throw new GenVmException(
            ExitCode.TOOL_FAILED, "gave up connecting to QMP on " + socket + ": " + failure);
      }
      if (remaining(deadline) <= 0) {
        throw new GenVmException(
            ExitCode.TOOL_FAILED,
            "cannot connect to QMP on "
                + socket
                + " within "
                + seconds(timeout)
                + " s: "
                + failure);
      }
      try {
        Thread.sleep(
            Math.min(RETRY_PAUSE.toMillis(), Math.max(1, remaining(deadline) / 1_000_000)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new GenVmException(ExitCode.INTERRUPTED, "interrupted", e);
      }
    }
  }

  /** Nanoseconds left until {@code deadline} (a {@link System#nanoTime()}). */
  static long remaining(long deadline) {
    return deadline - System.nanoTime();
  }

  /** A duration in seconds for messages: "30", "0.25". */
  static String seconds(Duration duration) {
    return BigDecimal.valueOf(duration.toMillis(), 3).stripTrailingZeros().toPlainString();
  }
}
