package org.genvmimage.cloudinit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.genvmimage.cloudinit.CloudInitWatcher.Stage.FINISHED;
import static org.genvmimage.cloudinit.CloudInitWatcher.Stage.INIT;
import static org.genvmimage.cloudinit.CloudInitWatcher.Stage.INIT_LOCAL;
import static org.genvmimage.cloudinit.CloudInitWatcher.Stage.MODULES_CONFIG;
import static org.genvmimage.cloudinit.CloudInitWatcher.Stage.MODULES_FINAL;
import static org.genvmimage.cloudinit.CloudInitWatcher.Stage.WAITING;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.genvmimage.cloudinit.CloudInitWatcher.Finished;
import org.genvmimage.cloudinit.CloudInitWatcher.Stage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

@Timeout(30)
class CloudInitWatcherTest {
  private static final List<Stage> ALL_STAGES =
      List.of(INIT_LOCAL, INIT, MODULES_CONFIG, MODULES_FINAL, FINISHED);

  /** Records what the listener hears. */
  private static final class Recorder implements CloudInitWatcher.Listener {
    final List<Stage> stages = new CopyOnWriteArrayList<>();
    final List<String> problems = new CopyOnWriteArrayList<>();
    final List<Finished> finished = new CopyOnWriteArrayList<>();
    final List<String> failures = new CopyOnWriteArrayList<>();

    @Override
    public void stageChanged(Stage stage, String line) {
      stages.add(stage);
    }

    @Override
    public void problem(String problem) {
      problems.add(problem);
    }

    @Override
    public void finished(Finished f) {
      finished.add(f);
    }

    @Override
    public void guestFailed(String line) {
      failures.add(line);
    }
  }

  static Stream<Arguments> samples() {
    return Stream.of(
        Arguments.of(
            "Debian 12",
            ConsoleSamples.DEBIAN_12,
            "22.4.2",
            Duration.ofMillis(71_830),
            List.of(
                "cloud-init: cc_scripts_user.py[WARNING]: Failed to run module scripts-user"
                    + " (scripts in /var/lib/cloud/instance/scripts)",
                "cloud-init: util.py[WARNING]: Running module scripts-user (<module"
                    + " 'cloudinit.config.cc_scripts_user' from"
                    + " '/usr/lib/python3/dist-packages/cloudinit/config/cc_scripts_user.py'>)"
                    + " failed",
                "[FAILED] Failed to start cloud-final.service - Execute cloud user/final"
                    + " scripts.")),
        Arguments.of(
            "Ubuntu 24.04",
            ConsoleSamples.UBUNTU_24,
            "24.1.3-0ubuntu3",
            Duration.ofMillis(19_750),
            List.of(
                "cloud-init: schema.py[WARNING]: Invalid cloud-config provided: Please run 'sudo"
                    + " cloud-init schema --system' to see the schema errors.",
                "cloud-init: lifecycle.py[DEPRECATED]: Config key 'lists' is deprecated in 22.3"
                    + " and scheduled to be removed in 27.3. Use 'groups' instead.")),
        Arguments.of(
            "Ubuntu 23.10",
            ConsoleSamples.UBUNTU_23,
            "23.3.3-0ubuntu0~23.10.1",
            Duration.ofMillis(11_300),
            List.of()));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("samples")
  void followsARealFirstBoot(
      String name, String console, String version, Duration uptime, List<String> problems) {
    Recorder recorder = new Recorder();
    CloudInitWatcher watcher = watcher(recorder);

    console.lines().forEach(watcher::accept);

    assertThat(recorder.stages).containsExactlyElementsOf(ALL_STAGES);
    assertThat(watcher.stage()).isEqualTo(FINISHED);
    assertThat(watcher.isDone()).isTrue();
    assertThat(watcher.version()).contains(version);
    Finished finished = watcher.finished().orElseThrow();
    assertThat(finished.version()).isEqualTo(version);
    assertThat(finished.uptime()).isEqualTo(uptime);
    assertThat(finished.line()).contains("Cloud-init v. " + version + " finished at");
    assertThat(recorder.finished).containsExactly(finished);
    assertThat(watcher.problems()).containsExactlyElementsOf(problems);
    assertThat(recorder.problems).containsExactlyElementsOf(problems);
    assertThat(watcher.guestFailure()).isEmpty();
  }

  @Test
  void keepsTheStagesWithTheirUptimeAndTheDatasource() {
    CloudInitWatcher watcher = new CloudInitWatcher();

    ConsoleSamples.DEBIAN_12.lines().forEach(watcher::accept);

    assertThat(watcher.stages())
        .containsExactly(
            new CloudInitWatcher.StageSeen(INIT_LOCAL, "init-local", 5.58),
            new CloudInitWatcher.StageSeen(INIT, "init", 7.87),
            new CloudInitWatcher.StageSeen(MODULES_CONFIG, "modules:config", 10.15),
            new CloudInitWatcher.StageSeen(MODULES_FINAL, "modules:final", 70.05));
    assertThat(watcher.datasource()).contains("DataSourceNoCloud [seed=/dev/sr0][dsmode=net]");
  }

  @Test
  void stageAndFinalMessagesCutByKernelMessagesAreFound() {
    Recorder recorder = new Recorder();
    CloudInitWatcher watcher = watcher(recorder);

    watcher.accept(
        "[    7.901234] cloud-init[310]: Cloud-init v. 22.4.2 running 'init' at Tue, 21 Nov 2023"
            + " 09:5[    7.950000] EXT4-fs (vda1): resized filesystem to 2621179\r\n"
            + "9:07 +0000. Up 7.87 seconds.\r\n"
            + "cloud-init[600]: Cloud-init v. 22.4.2 finished at Tue, 21 Nov 2023 10:00:01 +0000."
            + " Datasource DataSourceNoCloud [seed=/dev/sr0].  Up 71.[   71.9] random: crng\r\n"
            + "83 seconds\r\n");

    assertThat(recorder.stages).containsExactly(INIT, FINISHED);
    assertThat(watcher.stages()).extracting(s -> s.secondsAfterBoot()).containsExactly(7.87);
    assertThat(watcher.finished().orElseThrow().uptime()).isEqualTo(Duration.ofMillis(71_830));
    assertThat(watcher.problems()).isEmpty();
  }

  @Test
  void sameResultWhetherFedLineByLineOrAllAtOnce() {
    CloudInitWatcher byLine = new CloudInitWatcher();
    CloudInitWatcher atOnce = new CloudInitWatcher();

    ConsoleSamples.DEBIAN_12.lines().forEach(byLine::accept);
    atOnce.accept(ConsoleSamples.DEBIAN_12);

    assertThat(atOnce.finished()).isEqualTo(byLine.finished());
    assertThat(atOnce.problems()).isEqualTo(byLine.problems());
  }

  @Test
  void finalMessageAfterALoginPromptOnTheSameLine() {
    CloudInitWatcher watcher = new CloudInitWatcher();

    watcher.accept(
        "debian login: [   71.9] cloud-init[512]: Cloud-init v. 22.4.2 finished at Tue, 21 Nov"
            + " 2023 10:00:00 +0000. Datasource DataSourceNoCloud [seed=/dev/sr0][dsmode=net]. "
            + " Up 71.83 seconds\r");

    Finished finished = watcher.finished().orElseThrow();
    assertThat(finished.version()).isEqualTo("22.4.2");
    assertThat(finished.uptime()).isEqualTo(Duration.ofMillis(71_830));
    assertThat(finished.line()).startsWith("debian login: [   71.9] cloud-init[512]:");
  }

  @Test
  void escapeSequencesAndCarriageReturnsDoNotHideTheMessage() {
    CloudInitWatcher watcher = new CloudInitWatcher();

    watcher.accept(
        "\033[2K\rUbuntu 24.04 LTS ubuntu ttyS0\r\r\n\033]0;title\007\033[0;1;39mCloud-init v."
            + " 24.1.3-0ubuntu3 finished\033[0m at Mon, 10 Jun 2024 12:00:11 +0000. Datasource"
            + " DataSourceNoCloud [seed=/dev/sr0].  Up \033[1m19.75\033[0m seconds\r\n");

    assertThat(watcher.finished()).map(Finished::version).contains("24.1.3-0ubuntu3");
    assertThat(watcher.finished()).map(Finished::uptime).contains(Duration.ofMillis(19_750));
    assertThat(watcher.finished().orElseThrow().line()).doesNotContain("\033", "\r");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "'\033[0;32m  OK  \033[0m] Started'         | '  OK  ] Started'",
        "'a\033(Bb\033=c'                           | 'abc'",
        "'tab\tstays  '                             | 'tab\tstays'",
        "'bell\007 and nul\000'                     | 'bell and nul'",
      })
  void cleaning(String raw, String clean) {
    assertThat(CloudInitWatcher.clean(raw)).isEqualTo(clean);
  }

  @Test
  void customPatternWithAndWithoutGroups() {
    CloudInitWatcher named =
        new CloudInitWatcher(
            Pattern.compile("CONFIGURED v(?<version>[0-9.]+) after (?<uptime>\\d+)s"),
            new CloudInitWatcher.Listener() {});
    named.accept(ConsoleSamples.UBUNTU_23);
    assertThat(named.finished()).isEmpty();
    assertThat(named.stage()).isEqualTo(MODULES_FINAL);
    named.accept("[ 30.1] rc.local[900]: CONFIGURED v2.1 after 30s");
    assertThat(named.finished().orElseThrow())
        .isEqualTo(
            new Finished(
                "2.1", Duration.ofSeconds(30), "[ 30.1] rc.local[900]: CONFIGURED v2.1 after 30s"));

    CloudInitWatcher plain =
        new CloudInitWatcher(Pattern.compile("all done"), new CloudInitWatcher.Listener() {});
    plain.accept("setup: all done");
    assertThat(plain.finished().orElseThrow().version()).isNull();
    assertThat(plain.finished().orElseThrow().uptime()).isNull();
    assertThat(plain.stage()).isEqualTo(FINISHED);
  }

  @Test
  void problemsAreDeduplicatedAndBounded() {
    Recorder recorder = new Recorder();
    CloudInitWatcher watcher = watcher(recorder);

    for (int boot = 0; boot < 2; boot++) {
      for (int i = 0; i < CloudInitWatcher.MAX_PROBLEMS + 10; i++) {
        watcher.accept(
            String.format(
                "[%5d.%06d] cloud-init[%d]: 2024-06-10 12:00:%02d,%03d - util.py[WARNING]: problem %d",
                boot * 100 + i, i, 600 + boot, i % 60, i, i));
      }
    }

    assertThat(watcher.problems())
        .hasSize(CloudInitWatcher.MAX_PROBLEMS)
        .startsWith(
            "cloud-init: util.py[WARNING]: problem 0", "cloud-init: util.py[WARNING]: problem 1");
    assertThat(watcher.moreProblems()).isEqualTo(10);
    assertThat(recorder.problems).hasSize(CloudInitWatcher.MAX_PROBLEMS);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[   12.1] cloud-init[700]: 2024-06-10 12:00:04,120 - util.py[ERROR]: Failed running command",
        "[CLOUDINIT] util.py[WARNING]: Failed to mount /dev/sr0",
        "[CLOUDINIT] handlers.py[WARNING]: Unhandled non-multipart (text/x-not-multipart) userdata: b-hello...",
        "cloud-init[851]: WARNING: unknown stage",
        "Failed to run module ssh-import-id (ssh-import-id in /etc/cloud/cloud.cfg)",
        "[FAILED] Failed to start cloud-init.service - Initial cloud-init job (metadata service crawler).",
        "[FAILED] Failed to start Initial cloud-init job (pre-networking).",
      })
  void recognisesWarningsAndErrors(String line) {
    CloudInitWatcher watcher = new CloudInitWatcher();
    watcher.accept(line);
    assertThat(watcher.problems()).hasSize(1);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "[   12.2] cloud-init[700]: ci-info: +--------+-------+",
        "[  OK  ] Finished cloud-final.service - Execute cloud user/final scripts.",
        "[FAILED] Failed to start systemd-networkd-wait-online.service - Wait for Network.",
        "<14>Jun 10 12:00:11 cloud-init: -----BEGIN SSH HOST KEY FINGERPRINTS-----",
        "[    3.2] ACPI Warning: SystemIO range conflicts with OpRegion",
      })
  void ignoresOrdinaryLines(String line) {
    CloudInitWatcher watcher = new CloudInitWatcher();
    watcher.accept(line);
    assertThat(watcher.problems()).isEmpty();
    assertThat(watcher.isDone()).isFalse();
  }

  @Test
  void kernelPanicIsAGuestFailure() throws InterruptedException {
    Recorder recorder = new Recorder();
    CloudInitWatcher watcher = watcher(recorder);

    watcher.accept(ConsoleSamples.KERNEL_PANIC);

    assertThat(watcher.guestFailure())
        .contains(
            "[    2.114980] Kernel panic - not syncing: VFS: Unable to mount root fs on"
                + " unknown-block(0,0)");
    assertThat(recorder.failures).hasSize(1);
    assertThat(watcher.finished()).isEmpty();
    assertThat(watcher.stage()).isEqualTo(WAITING);
    assertThat(watcher.await(Duration.ZERO)).isTrue();
  }

  @Test
  void emergencyModeIsAGuestFailure() {
    CloudInitWatcher watcher = new CloudInitWatcher();
    watcher.accept(
        "You are in emergency mode. After logging in, type \"journalctl -xb\" to view system logs,");
    assertThat(watcher.guestFailure()).isPresent();
  }

  @Test
  void awaitTimesOutThenWakesWhenAnotherThreadFeedsTheMessage() throws Exception {
    CloudInitWatcher watcher = new CloudInitWatcher();
    assertThat(watcher.await(Duration.ofMillis(50))).isFalse();

    Thread feeder =
        new Thread(
            () -> {
              sleep(200);
              watcher.accept(ConsoleSamples.UBUNTU_23);
            });
    long start = System.nanoTime();
    feeder.start();

    assertThat(watcher.await(Duration.ofSeconds(20))).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    assertThat(watcher.finished()).isPresent();
    feeder.join();
  }

  @Test
  void manyThreadsMayFeedAtOnce() throws Exception {
    CloudInitWatcher watcher = new CloudInitWatcher();
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<?>> futures =
          IntStream.range(0, 4)
              .<Future<?>>mapToObj(
                  t ->
                      pool.submit(
                          () -> {
                            for (int i = 0; i < 500; i++) {
                              watcher.accept(
                                  "cloud-init[1]: util.py[WARNING]: thread " + t + " " + i % 10);
                              watcher.stage();
                              watcher.problems();
                            }
                          }))
              .toList();
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(watcher.problems()).hasSize(40).doesNotHaveDuplicates();
  }

  private static CloudInitWatcher watcher(CloudInitWatcher.Listener listener) {
    return new CloudInitWatcher(
        Pattern.compile(CloudInitWatcher.DEFAULT_FINISHED_PATTERN), listener);
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
