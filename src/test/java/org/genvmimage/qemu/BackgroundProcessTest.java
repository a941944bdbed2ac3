package org.genvmimage.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.process.LiveProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class BackgroundProcessTest {
  @Test
  void keepsTheOutputTailAndTheExitCode() {
    List<String> lines = new CopyOnWriteArrayList<>();
    BackgroundProcess p =
        BackgroundProcess.start(
            List.of("sh", "-c", "echo out; echo err >&2; exit 3"), lines::add, null);

    assertThat(p.waitFor(Duration.ofSeconds(10))).isTrue();
    assertThat(p.exitCode()).contains(3);
    assertThat(p.output()).contains("out").contains("err");
    assertThat(lines).containsExactlyInAnyOrder("out", "err");
    assertThat(LiveProcesses.count()).isZero();
  }

  @Test
  void theTailIsBounded() {
    BackgroundProcess p =
        BackgroundProcess.start(
            List.of("sh", "-c", "i=0; while [ $i -lt 3000 ]; do echo line-$i; i=$((i+1)); done"),
            null,
            null);

    assertThat(p.waitFor(Duration.ofSeconds(10))).isTrue();
    String output = p.output();
    assertThat(output.length()).isLessThanOrEqualTo(BackgroundProcess.TAIL_CHARS);
    assertThat(output).endsWith("line-2999").doesNotContain("line-0\n");
  }

  @Test
  void inputIsWrittenToStdin() {
    BackgroundProcess p = BackgroundProcess.start(List.of("cat"), null, null, "hello\n".getBytes());

    assertThat(p.waitFor(Duration.ofSeconds(10))).isTrue();
    assertThat(p.output()).isEqualTo("hello");
  }

  @Test
  void aMissingProgramIsToolMissingWithTheHint() {
    GenVmException e =
        catchThrowableOfType(
            GenVmException.class,
            () -> BackgroundProcess.start(List.of("/nonexistent/qemu"), null, "install it"));

    assertThat(e.exitCode()).isEqualTo(ExitCode.TOOL_MISSING.code());
    assertThat(e.getMessage()).isEqualTo("/nonexistent/qemu not found: install it");
  }

  @Test
  void terminateEndsAProcessThatIgnoresSigterm() {
    BackgroundProcess p =
        BackgroundProcess.start(
            List.of("sh", "-c", "trap '' TERM; echo ready; while :; do sleep 1; done"), null, null);
    long start = System.nanoTime();

    p.terminate(Duration.ofMillis(300));

    assertThat(p.isAlive()).isFalse();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(LiveProcesses.count()).isZero();
  }
}
