package org.genvmimage.configure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GuestResetTest {
  static final String TOKEN = "0123456789abcdef0123456789abcdef";
  final GuestReset reset = new GuestReset(TOKEN);

  @TempDir Path dir;

  GuestReset.Report report(String console) throws Exception {
    Path log = dir.resolve("console.log");
    Files.writeString(log, console, StandardCharsets.ISO_8859_1);
    return reset.report(log);
  }

  @Test
  void doneWithItsTokenIsSuccessAndGivesTheGuestsOwnTime() throws Exception {
    GuestReset.Report r =
        report(
            "[   60.1] cloud-init[500]: Cloud-init v. 22.4.2 finished at x. Up 59.40 seconds\r\n"
                + "gen-vm-image-reset "
                + TOKEN
                + ": installed\r\n"
                + "[\u001b[0;32m  OK  \u001b[0m] Stopped cloud-final.service\r\n"
                + "gen-vm-image-reset "
                + TOKEN
                + ": done, uptime 61.25 to 61.87\r\n");

    assertThat(r.problem()).isEmpty();
    assertThat(r.took()).isEqualTo(Duration.ofMillis(620));
  }

  @Test
  void aFailureIsReportedWithWhatCouldNotBeRemoved() throws Exception {
    GuestReset.Report r =
        report(
            "gen-vm-image-reset "
                + TOKEN
                + ": installed\ngen-vm-image-reset "
                + TOKEN
                + ": failed: could not remove /tmp/*\n");

    assertThat(r.problem()).hasValueSatisfying(p -> assertThat(p).contains("/tmp/*"));
  }

  @Test
  void anotherTokenOrNoLineIsNoSuccess() throws Exception {
    assertThat(
            report("gen-vm-image-reset ffffffffffffffffffffffffffffffff: done, uptime 1 to 2\n")
                .problem())
        .hasValueSatisfying(p -> assertThat(p).contains("never ran"));
    assertThat(report("gen-vm-image-reset " + TOKEN + ": installed\n").problem())
        .hasValueSatisfying(p -> assertThat(p).contains("did not report"));
  }

  @Test
  void theScriptsAreValidShellAndCarryTheToken() throws Exception {
    String part = reset.part();
    assertThat(part).startsWith("#!/bin/sh\n").contains(TOKEN).doesNotContain("@");
    Path script = dir.resolve("part.sh");
    Files.writeString(script, part);
    assertThat(sh("-n", script)).isZero();
    String inner =
        part.substring(
            part.indexOf("<<'RESET_EOF'\n") + "<<'RESET_EOF'\n".length(),
            part.indexOf("RESET_EOF\n", part.indexOf("<<'RESET_EOF'\n") + 20));
    assertThat(inner).startsWith("#!/bin/sh\n").contains("gen-vm-image-reset " + TOKEN);
    Path resetScript = dir.resolve("reset.sh");
    Files.writeString(resetScript, inner);
    assertThat(sh("-n", resetScript)).isZero();
  }

  @Test
  void everyRunHasItsOwnToken() {
    assertThat(GuestReset.create().token()).hasSize(32).isNotEqualTo(GuestReset.create().token());
  }

  private static int sh(String option, Path script) throws Exception {
    return new ProcessBuilder("sh", option, script.toString()).inheritIO().start().waitFor();
  }
}
