package org.genvmimage.process;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LiveProcessesTest {
  private Process process;

  @AfterEach
  void nothingIsLeftRunning() throws Exception {
    if (process != null) {
      process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
    await(() -> LiveProcesses.count() == 0);
  }

  @Test
  void aRegisteredProcessIsForgottenWhenItExits() throws Exception {
    process = new ProcessBuilder("cat").start();

    LiveProcesses.register(process);
    assertThat(LiveProcesses.count()).isEqualTo(1);
    process.getOutputStream().close(); // cat ends at the end of its input

    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();
    await(() -> LiveProcesses.count() == 0);
  }

  @Test
  void aProcessThatHasEndedAlreadyIsNotKept() throws Exception {
    process = new ProcessBuilder("true").start();
    assertThat(process.waitFor(10, TimeUnit.SECONDS)).isTrue();

    LiveProcesses.register(process);

    await(() -> LiveProcesses.count() == 0);
  }

  @Test
  void deregisterForgetsAtOnce() throws Exception {
    process = new ProcessBuilder("sleep", "300").start();
    LiveProcesses.register(process);

    LiveProcesses.deregister(process);

    assertThat(LiveProcesses.count()).isZero();
    assertThat(process.isAlive()).isTrue();
  }

  @Test
  void killAllKillsARealSleepAndTheDescendantsOfAShell() throws Exception {
    process = new ProcessBuilder("sleep", "300").start();
    Process shell = new ProcessBuilder("sh", "-c", "sleep 300 & echo $!; wait").start();
    long grandchild;
    try (BufferedReader out =
        new BufferedReader(new InputStreamReader(shell.getInputStream(), UTF_8))) {
      grandchild = Long.parseLong(out.readLine().trim());
      LiveProcesses.register(process);
      LiveProcesses.register(shell);
      assertThat(LiveProcesses.count()).isEqualTo(2);

      LiveProcesses.killAll();
    }

    assertThat(process.waitFor(5, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("SIGTERM").isEqualTo(143);
    assertThat(shell.waitFor(5, TimeUnit.SECONDS)).isTrue();
    await(() -> isGone(grandchild));
    await(() -> LiveProcesses.count() == 0);
  }

  @Test
  void killTreeEndsAProcessThatIgnoresSigterm() throws Exception {
    process =
        new ProcessBuilder("sh", "-c", "trap '' TERM; echo ready; while :; do sleep 1; done")
            .start();
    assertThat(process.getInputStream().read()).isEqualTo('r'); // the trap is set
    long start = System.nanoTime();

    LiveProcesses.killTree(process, Duration.ofMillis(300));

    assertThat(process.waitFor(5, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as("SIGKILL").isEqualTo(137);
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  private static void await(BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waited 5 s").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  /** Gone: no such process, or a zombie waiting for a parent (init) that may never reap it. */
  private static boolean isGone(long pid) {
    if (ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)) {
      try {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        return stat.substring(stat.lastIndexOf(')') + 2).startsWith("Z");
      } catch (IOException e) {
        return true;
      }
    }
    return true;
  }
}
