package org.genvmimage.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ProcessRunnerTest {
  private final ProcessRunner runner = new ProcessRunner();

  private static CommandSpec sh(String script) {
    return CommandSpec.of("sh", "-c", script);
  }

  @Test
  void capturesBothStreamsAndTheExitCode() {
    ProcessResult result = runner.run(sh("echo out; echo err >&2"));

    assertThat(result.exitCode()).isZero();
    assertThat(result.stdout()).isEqualTo("out\n");
    assertThat(result.stderr()).isEqualTo("err\n");
    assertThat(result.command()).containsExactly("sh", "-c", "echo out; echo err >&2");
    assertThat(result.elapsed()).isPositive();
    assertThat(LiveProcesses.count()).isZero();
  }

  @Test
  void failureNamesTheCommandTheExitCodeAndTheStderrTail() {
    CommandSpec spec =
        sh("echo noise; echo 'first problem' >&2; echo >&2; echo '  last problem  ' >&2; exit 3");

    GenVmException e = catchThrowableOfType(GenVmException.class, () -> runner.run(spec));

    assertThat(e.exitCode()).isEqualTo(ExitCode.TOOL_FAILED.code());
    assertThat(e.getMessage())
        .isEqualTo(
            "sh -c 'echo noise; echo '\"'\"'first problem'\"'\"' >&2; echo >&2; echo '\"'\"'  last"
                + " problem  '\"'\"' >&2; exit 3' failed with exit code 3: first problem | last"
                + " problem");
  }

  @Test
  void failureWithSilentStderrFallsBackToStdout() {
    assertThatThrownBy(() -> runner.run(sh("echo 'said on stdout'; exit 1")))
        .hasMessageEndingWith("failed with exit code 1: said on stdout");
  }

  @Test
  void acceptsTheGivenExitCodes() {
    ProcessResult result = runner.run(sh("exit 3").withOkExitCodes(0, 3));

    assertThat(result.exitCode()).isEqualTo(3);
    assertThatThrownBy(() -> runner.run(sh("exit 0").withOkExitCodes(3)))
        .hasMessageContaining("failed with exit code 0");
  }

  @Test
  void missingProgramIsToolMissingWithTheHint() {
    CommandSpec spec =
        CommandSpec.of("gen-vm-image-no-such-tool", "--version")
            .withMissingHint("install the no-such-tool package");

    GenVmException e = catchThrowableOfType(GenVmException.class, () -> runner.run(spec));

    assertThat(e.exitCode()).isEqualTo(ExitCode.TOOL_MISSING.code());
    assertThat(e.getMessage())
        .isEqualTo("gen-vm-image-no-such-tool not found: install the no-such-tool package");
  }

  @Test
  void runsInTheGivenDirectoryWithAddedEnvironment(@TempDir Path dir) throws IOException {
    Path real = dir.toRealPath();
    ProcessResult result =
        runner.run(
            sh("echo \"$GVI_TEST_VALUE\"; pwd; echo \"$PATH\" | grep -c /")
                .withWorkingDir(real)
                .withEnv("GVI_TEST_VALUE", "it's set"));

    assertThat(result.stdout().lines()).containsExactly("it's set", real.toString(), "1");
  }

  @Test
  void splitsSegmentsOnNewlinesAndCarriageReturns() {
    List<String> out = new CopyOnWriteArrayList<>();
    List<String> err = new CopyOnWriteArrayList<>();

    runner.run(
        sh("printf '    (0.00/100%%)\\r    (50.00/100%%)\\r\\n\\nlast'; printf 'x\\r\\ny' >&2")
            .withStdout(out::add)
            .withStderr(err::add));

    assertThat(out).containsExactly("    (0.00/100%)", "    (50.00/100%)", "last");
    assertThat(err).containsExactly("x", "y");
  }

  @Test
  void drainsLargeOutputOnBothStreamsWithoutDeadlock() {
    AtomicInteger outLines = new AtomicInteger();
    AtomicInteger errLines = new AtomicInteger();
    // ~2.4 MB on each stream, far above any pipe buffer; stdout and stderr interleaved.
    String script =
        "yes 0123456789abcdef0123456789abcdef | head -n 100000 & "
            + "yes fedcba9876543210fedcba9876543210 | head -n 100000 >&2; wait";

    ProcessResult result =
        runner.run(
            sh(script)
                .withStdout(line -> outLines.incrementAndGet())
                .withStderr(line -> errLines.incrementAndGet()));

    assertThat(outLines).hasValue(100_000);
    assertThat(errLines).hasValue(100_000);
    assertThat(result.stdout()).hasSize(ProcessRunner.CAPTURE_BYTES).endsWith("cdef\n");
    assertThat(result.stderr()).hasSize(ProcessRunner.CAPTURE_BYTES).endsWith("3210\n");
  }

  @Test
  void callbackFailureIsReportedAfterTheProcessEnds() {
    IllegalStateException boom = new IllegalStateException("boom");
    AtomicInteger calls = new AtomicInteger();

    assertThatThrownBy(
            () ->
                runner.run(
                    sh("echo 1; echo 2; echo 3")
                        .withStdout(
                            line -> {
                              calls.incrementAndGet();
                              throw boom;
                            })))
        .isSameAs(boom);
    assertThat(calls).hasValue(1);
  }

  @Test
  void timeoutKillsTheProcessTree() {
    List<String> pids = new CopyOnWriteArrayList<>();
    CommandSpec spec =
        sh("sleep 300 & echo $!; echo $$; wait")
            .withStdout(pids::add)
            .withTimeout(Duration.ofMillis(1500));

    GenVmException e = catchThrowableOfType(GenVmException.class, () -> runner.run(spec));

    assertThat(e.exitCode()).isEqualTo(ExitCode.TOOL_FAILED.code());
    assertThat(e.getMessage())
        .isEqualTo("sh -c 'sleep 300 & echo $!; echo $$; wait' timed out after 1.5 s");
    assertThat(pids).hasSize(2);
    pids.forEach(ProcessRunnerTest::assertGone);
    assertThat(LiveProcesses.count()).isZero();
  }

  @Test
  void interruptKillsTheProcessTreeAndKeepsTheInterruptFlag() throws Exception {
    List<String> pids = new CopyOnWriteArrayList<>();
    CountDownLatch started = new CountDownLatch(2);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    AtomicBoolean flagKept = new AtomicBoolean();
    Thread worker =
        new Thread(
            () -> {
              try {
                runner.run(
                    sh("sleep 300 & echo $!; echo $$; wait")
                        .withStdout(
                            pid -> {
                              pids.add(pid);
                              started.countDown();
                            }));
              } catch (Throwable t) {
                thrown.set(t);
                flagKept.set(Thread.currentThread().isInterrupted());
              }
            });
    worker.start();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

    worker.interrupt();
    worker.join(10_000);

    assertThat(worker.isAlive()).isFalse();
    assertThat(thrown.get())
        .isInstanceOfSatisfying(
            GenVmException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.INTERRUPTED.code());
              assertThat(e.getMessage()).isEqualTo("interrupted");
            });
    assertThat(flagKept).isTrue();
    pids.forEach(ProcessRunnerTest::assertGone);
  }

  @Test
  void alreadyInterruptedThreadStartsNothing(@TempDir Path dir) {
    Path marker = dir.resolve("ran");
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> runner.run(CommandSpec.of("touch", marker.toString())))
          .isInstanceOfSatisfying(
              GenVmException.class,
              e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INTERRUPTED.code()));
    } finally {
      Thread.interrupted();
    }
    assertThat(Files.exists(marker)).isFalse();
  }

  @Test
  void killAllKillsRunningProcesses() throws Exception {
    List<String> pids = new CopyOnWriteArrayList<>();
    CountDownLatch started = new CountDownLatch(2);
    AtomicReference<Throwable> thrown = new AtomicReference<>();
    Thread worker =
        new Thread(
            () -> {
              try {
                runner.run(
                    sh("sleep 300 & echo $!; echo $$; wait")
                        .withStdout(
                            pid -> {
                              pids.add(pid);
                              started.countDown();
                            }));
              } catch (Throwable t) {
                thrown.set(t);
              }
            });
    worker.start();
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();

    LiveProcesses.killAll();
    worker.join(10_000);

    assertThat(thrown.get())
        .isInstanceOf(GenVmException.class)
        .hasMessageContaining("failed with exit code 143");
    pids.forEach(ProcessRunnerTest::assertGone);
  }

  /** Gone: no such process, or a zombie waiting for a parent (init) that may never reap it. */
  private static void assertGone(String pid) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (System.nanoTime() < deadline) {
      if (isGone(Long.parseLong(pid))) {
        return;
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        throw new AssertionError(e);
      }
    }
    throw new AssertionError("process " + pid + " is still running");
  }

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
