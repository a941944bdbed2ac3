package org.genvmimage.cloudinit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.genvmimage.cloudinit.CloudInitStages.Mark;
import org.genvmimage.cloudinit.CloudInitStages.Reading;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class CloudInitStagesTest {
  static Stream<Arguments> stageLines() {
    return Stream.of(
        Arguments.of(
            "22.x through journald, with the kernel's timestamp",
            "[    7.901234] cloud-init[310]: Cloud-init v. 22.4.2 running 'init' at Tue, 21 Nov"
                + " 2023 09:59:07 +0000. Up 7.87 seconds.",
            new Mark("init", "22.4.2", 7.87)),
        Arguments.of(
            "22.x init-local",
            "cloud-init[245]: Cloud-init v. 22.4.2 running 'init-local' at Tue, 21 Nov 2023"
                + " 09:59:05 +0000. Up 5.58 seconds.",
            new Mark("init-local", "22.4.2", 5.58)),
        Arguments.of(
            "23.x Ubuntu package version",
            "cloud-init[790]: Cloud-init v. 23.3.3-0ubuntu0~23.10.1 running 'modules:config' at"
                + " Wed, 13 Dec 2023 08:15:07 +0000. Up 9.01 seconds.",
            new Mark("modules:config", "23.3.3-0ubuntu0~23.10.1", 9.01)),
        Arguments.of(
            "24.x backport version",
            "[   12.104201] cloud-init[700]: Cloud-init v. 24.1.3-0ubuntu1~22.04.1 running 'init'"
                + " at Mon, 10 Jun 2024 12:00:04 +0000. Up 12.05 seconds.",
            new Mark("init", "24.1.3-0ubuntu1~22.04.1", 12.05)),
        Arguments.of(
            "24.x modules:final, whole seconds",
            "Cloud-init v. 24.4-0ubuntu1~24.04.2 running 'modules:final' at Thu, 09 Jan 2025"
                + " 10:00:00 +0000. Up 18 seconds.",
            new Mark("modules:final", "24.4-0ubuntu1~24.04.2", 18.0)),
        Arguments.of(
            "18.x (RHEL 8)",
            "Cloud-init v. 18.5 running 'modules:config' at Mon, 02 Mar 2020 10:00:00 +0000. Up"
                + " 31.20 seconds.",
            new Mark("modules:config", "18.5", 31.2)),
        Arguments.of(
            "after a login prompt on the same line",
            "debian login: Cloud-init v. 22.4.2 running 'modules:final' at Tue, 21 Nov 2023"
                + " 10:00:00 +0000. Up 70.05 seconds.",
            new Mark("modules:final", "22.4.2", 70.05)),
        Arguments.of(
            "no uptime: the kernel timestamp in front counts",
            "[   10.200000] cloud-init[512]: Cloud-init v. 22.4.2 running 'modules:config' at Tue,",
            new Mark("modules:config", "22.4.2", 10.2)),
        Arguments.of(
            "no uptime and no timestamp",
            "Cloud-init v. 22.4.2 running 'init' at Tue, 21 Nov",
            new Mark("init", "22.4.2", null)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("stageLines")
  void parsesStageMessages(String name, String line, Mark expected) {
    assertThat(CloudInitStages.parse(line)).contains(expected);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Cloud-init v. 22.4.2 finished at Tue, 21 Nov 2023 10:00:01 +0000. Datasource"
            + " DataSourceNoCloud [seed=/dev/sr0][dsmode=net].  Up 71.83 seconds",
        "         Starting cloud-init.service - Initial cloud-init job (metadata service crawler)...",
        "[  OK  ] Finished cloud-init-local.service - Initial cloud-init job (pre-networking).",
        "cloud-init[310]: running 'init' at Tue",
        "Cloud-init v. 22.4.2 running 'single_process' at Tue, 21 Nov 2023. Up 3.0 seconds.",
        "Cloud-init v. 22.4.2 running 'modules:conf",
        "",
      })
  void ignoresOtherLines(String line) {
    assertThat(CloudInitStages.parse(line)).isEmpty();
  }

  static Stream<Arguments> mangledConsoles() {
    return Stream.of(
        Arguments.of(
            "a kernel message cuts the stage name",
            List.of(
                "[    7.901234] cloud-init[310]: Cloud-init v. 22.4.2 runn[    7.950000] EXT4-fs"
                    + " (vda1): resized filesystem to 2621179",
                "ing 'init' at Tue, 21 Nov 2023 09:59:07 +0000. Up 7.87 seconds."),
            List.of(new Mark("init", "22.4.2", 7.87))),
        Arguments.of(
            "a kernel message cuts the uptime",
            List.of(
                "cloud-init[512]: Cloud-init v. 22.4.2 running 'modules:config' at Tue, 21 Nov"
                    + " 2023 09:59:10 +0000. Up 10.[   10.160000] random: crng init done",
                "15 seconds."),
            List.of(new Mark("modules:config", "22.4.2", 10.15))),
        Arguments.of(
            "a kernel message cuts the version (24.x)",
            List.of(
                "cloud-init[700]: Cloud-init v. 24.1.3-0ubu[   12.100000] virtio_net virtio1"
                    + " enp0s3: renamed from eth0",
                "ntu1~22.04.1 running 'init' at Mon, 10 Jun 2024 12:00:04 +0000. Up 12.05"
                    + " seconds."),
            List.of(new Mark("init", "24.1.3-0ubuntu1~22.04.1", 12.05))),
        Arguments.of(
            "two kernel messages cut one line",
            List.of(
                "Cloud-init v. 23.1.2 running 'mod[   10.1] ata2: SATA link down",
                "ules:con[   10.2] ata3: SATA link down",
                "fig' at Wed, 01 Mar 2023 08:00:00 +0000. Up 10.25 seconds."),
            List.of(new Mark("modules:config", "23.1.2", 10.25))),
        Arguments.of(
            "the kernel message comes after the whole message",
            List.of(
                "Cloud-init v. 22.4.2 running 'init-local' at Tue, 21 Nov 2023 09:59:05 +0000. Up"
                    + " 5.58 seconds.[    5.700000] random: crng init done",
                "[    5.710000] loop0: detected capacity change from 0 to 8",
                "Cloud-init v. 22.4.2 running 'init' at Tue, 21 Nov 2023 09:59:07 +0000. Up 7.87"
                    + " seconds."),
            List.of(new Mark("init-local", "22.4.2", 5.58), new Mark("init", "22.4.2", 7.87))),
        Arguments.of(
            "a login prompt, then the journal's line with its timestamp",
            List.of(
                "debian login: [   70.100000] cloud-init[600]: Cloud-init v. 22.4.2 running"
                    + " 'modules:final' at Tue, 21 Nov 2023 10:00:00 +0000. Up 70.05 seconds.",
                "[   71.000000] cloud-init[600]: ci-info: no authorized SSH keys"),
            List.of(new Mark("modules:final", "22.4.2", 70.05))),
        Arguments.of(
            "a cut line that is not continued: the start is read alone",
            List.of(
                "[   10.200000] cloud-init[512]: Cloud-init v. 22.4.2 running 'modules:config' at"
                    + " Tue, 21 Nov 2023 09:[   10.210000] random: crng init done",
                "[   10.300000] EXT4-fs (vda1): re-mounted"),
            List.of(new Mark("modules:config", "22.4.2", 10.2))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mangledConsoles")
  void putsCutLinesBackTogether(String name, List<String> console, List<Mark> expected) {
    assertThat(marks(console)).containsExactlyElementsOf(expected);
  }

  @Test
  void realConsolesGiveEveryStageInOrderWithItsUptime() {
    assertThat(marks(ConsoleSamples.DEBIAN_12.lines().toList()))
        .containsExactly(
            new Mark("init-local", "22.4.2", 5.58),
            new Mark("init", "22.4.2", 7.87),
            new Mark("modules:config", "22.4.2", 10.15),
            new Mark("modules:final", "22.4.2", 70.05));
    assertThat(marks(ConsoleSamples.UBUNTU_24.lines().toList()))
        .extracting(Mark::stage)
        .containsExactlyElementsOf(CloudInitStages.NAMES);
    assertThat(marks(ConsoleSamples.UBUNTU_23.lines().toList()))
        .extracting(Mark::version)
        .containsOnly("23.3.3-0ubuntu0~23.10.1");
  }

  @Test
  void aLineWithoutACutIsPassedThrough() {
    assertThat(CloudInitStages.read(null, "[    1.0] Linux version 6.1.0"))
        .isEqualTo(new Reading(List.of("[    1.0] Linux version 6.1.0"), null));
    assertThat(CloudInitStages.read(null, "  [    1.0] indented"))
        .isEqualTo(new Reading(List.of("  [    1.0] indented"), null));
  }

  @Test
  void datasourceFromTheFinalMessage() {
    assertThat(
            CloudInitStages.datasource(
                "Cloud-init v. 22.4.2 finished at Tue, 21 Nov 2023 10:00:01 +0000. Datasource"
                    + " DataSourceNoCloud [seed=/dev/sr0][dsmode=net].  Up 71.83 seconds"))
        .contains("DataSourceNoCloud [seed=/dev/sr0][dsmode=net]");
    assertThat(
            CloudInitStages.datasource(
                "Cloud-init v. 24.1.3 finished at Mon, 10 Jun 2024 12:00:11 +0000. Datasource"
                    + " DataSourceNone.  Up 19.75 seconds"))
        .contains("DataSourceNone");
    assertThat(CloudInitStages.datasource("all done")).isEmpty();
  }

  /** The stage messages in a console, read line by line as the watcher does. */
  static List<Mark> marks(List<String> console) {
    List<Mark> marks = new ArrayList<>();
    String carry = null;
    for (String line : console) {
      Reading reading = CloudInitStages.read(carry, CloudInitWatcher.clean(line));
      carry = reading.carry();
      for (String text : reading.lines()) {
        CloudInitStages.parse(text).ifPresent(marks::add);
      }
    }
    return marks;
  }
}
