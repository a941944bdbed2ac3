package org.genvmimage.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;

class ConsoleTest {
  private final StringWriter text = new StringWriter();

  private Console console(Console.Verbosity verbosity, boolean animated) {
    return new Console("tool", new PrintWriter(text, true), verbosity, animated);
  }

  @Test
  void plainProgressPrintsALineWhenATaskStartsAndNoAnsiCodes() {
    try (Console c = console(Console.Verbosity.NORMAL, false)) {
      c.progress("img", "downloading 1%");
      c.progress("img", "downloading 2%");
      c.info("hello");
      c.done("img");
    }
    assertThat(text.toString()).isEqualTo("img: downloading 1%\nhello\n").doesNotContain("\033");
  }

  @Test
  void quietKeepsWarningsAndErrorsOnly() {
    try (Console c = console(Console.Verbosity.QUIET, false)) {
      c.info("info");
      c.debug("debug");
      c.progress("img", "1%");
      c.warn("careful");
      c.error("broken\nreally");
    }
    assertThat(text.toString())
        .isEqualTo("tool: warning: careful\ntool: error: broken\ntool: error: really\n");
  }

  @Test
  void verboseShowsDebug() {
    try (Console c = console(Console.Verbosity.VERBOSE, false)) {
      c.debug("details");
    }
    assertThat(text.toString()).isEqualTo("details\n");
  }

  @Test
  void animatedProgressClearsItsLineBeforeMessages() throws Exception {
    try (Console c = console(Console.Verbosity.NORMAL, true)) {
      c.progress("img", "5%");
      Thread.sleep(450);
      c.info("message");
    }
    String out = text.toString();
    assertThat(out).contains("\r\033[Kimg: 5%").contains("\r\033[Kmessage\n");
  }
}
