package org.genvmimage.qemu;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;
import org.genvmimage.core.GenVmException;
import org.genvmimage.process.Commands;

/**
 * Confirms that KVM starts: runs {@code <emulator> -accel kvm -machine none} with QMP on stdio,
 * sends {@code qmp_capabilities} and {@code quit}, and expects exit code 0 within {@link #LIMIT}
 * (it takes well under a second). A failure is QEMU's own message, e.g. "Could not access KVM
 * kernel module: Permission denied" or "ioctl(KVM_CREATE_VM) failed: 16 Device or resource busy".
 */
public final class QemuKvmProbe implements AcceleratorChooser.KvmProbe {
  /** How long the probe may take. */
  public static final Duration LIMIT = Duration.ofSeconds(10);

  private static final byte[] SCRIPT =
      "{\"execute\":\"qmp_capabilities\"}\n{\"execute\":\"quit\"}\n"
          .getBytes(StandardCharsets.UTF_8);

  private final Path emulator;

  public QemuKvmProbe(Path emulator) {
    this.emulator = emulator;
  }

  /** The probe's argument list. */
  public List<String> command() {
    return List.of(
        emulator.toString(),
        "-accel",
        "kvm",
        "-machine",
        "none",
        "-nodefaults",
        "-no-user-config",
        "-display",
        "none",
        "-qmp",
        "stdio");
  }

  @Override
  public Optional<String> failure() {
    BackgroundProcess process;
    try {
      process = BackgroundProcess.start(command(), null, null, SCRIPT);
    } catch (GenVmException e) {
      return Optional.of(e.getMessage());
    }
    try (process) {
      if (!process.waitFor(LIMIT)) {
        return Optional.of("no answer within " + LIMIT.toSeconds() + " s");
      }
      int code = process.exitCode().orElseThrow();
      if (code == 0) {
        return Optional.empty();
      }
      String messages =
          process
              .output()
              .lines()
              .filter(line -> !line.startsWith("{"))
              .collect(Collectors.joining("\n"));
      String tail = Commands.tail(messages);
      return Optional.of(
          Commands.display(command())
              + " exited with "
              + code
              + (tail.isEmpty() ? "" : ": " + tail));
    }
  }
}
