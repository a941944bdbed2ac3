package org.genvmimage.configure;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.genvmimage.console.Console;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConfigureProgressTest {
  private final StringWriter text = new StringWriter();
  private final AtomicLong now = new AtomicLong();

  private ConfigureProgress progress(Console console) {
    return new ConfigureProgress(console, Path.of("out", "image.qcow2"), 0, now::get);
  }

  private Console console(Console.Verbosity verbosity, boolean animated) {
    return new Console("configure-vm-image", new PrintWriter(text, true), verbosity, animated);
  }

  @ParameterizedTest
  @CsvSource({"0, 0:00", "7, 0:07", "41, 0:41", "761, 12:41", "3599, 59:59", "3723, 1:02:03"})
  void clock(long seconds, String shown) {
    assertThat(ConfigureProgress.clock(Duration.ofSeconds(seconds))).isEqualTo(shown);
  }

  @Test
  void textHasTheStepTheDetailAndTheClock() {
    assertThat(ConfigureProgress.text("cloud-init modules:config", "", Duration.ofSeconds(41)))
        .isEqualTo("cloud-init modules:config  0:41");
    assertThat(ConfigureProgress.text("committing", " 45%", Duration.ofSeconds(130)))
        .isEqualTo("committing  45%  2:10");
  }

  @Test
  void plainOutputIsOneLinePerStepWhenItIsReached() {
    try (Console console = console(Console.Verbosity.NORMAL, false);
        ConfigureProgress progress = progress(console)) {
      progress.step("booting");
      now.set(Duration.ofSeconds(12).toNanos());
      progress.step("cloud-init init-local");
      progress.step("cloud-init init-local");
      progress.detail("ignored when not on a terminal");
      now.set(Duration.ofSeconds(75).toNanos());
      progress.step("cloud-init modules:final");
      progress.step(null);
      progress.step("powering off");
    }

    assertThat(text.toString())
        .isEqualTo(
            "configuring image.qcow2: booting  0:00\n"
                + "configuring image.qcow2: cloud-init init-local  0:12\n"
                + "configuring image.qcow2: cloud-init modules:final  1:15\n"
                + "configuring image.qcow2: powering off  1:15\n")
        .doesNotContain("\033");
  }

  @Test
  void quietShowsNothing() {
    try (Console console = console(Console.Verbosity.QUIET, false);
        ConfigureProgress progress = progress(console)) {
      progress.step("booting");
    }
    assertThat(text.toString()).isEmpty();
  }

  @Test
  void onATerminalOneLineIsRewrittenAndTicks() throws Exception {
    try (Console console = console(Console.Verbosity.NORMAL, true);
        ConfigureProgress progress = progress(console)) {
      progress.step("cloud-init init");
      now.set(Duration.ofSeconds(3).toNanos());
      Thread.sleep(1300); // the progress ticks every second
      progress.step("committing");
      progress.detail(" 50%");
      Thread.sleep(300); // the console redraws every 200 ms
      console.info("a message");
    }

    String out = text.toString();
    assertThat(out)
        .contains("\r\033[Kconfiguring image.qcow2: cloud-init init  0:00")
        .contains("\r\033[Kconfiguring image.qcow2: cloud-init init  0:03")
        .contains("\r\033[Kconfiguring image.qcow2: committing  50%  0:03")
        .contains("\r\033[Ka message\n")
        .doesNotContain("configuring image.qcow2: booting");
    assertThat(out.substring(0, out.indexOf("a message")))
        .as("rewritten in place")
        .doesNotContain("\n");
  }
}
