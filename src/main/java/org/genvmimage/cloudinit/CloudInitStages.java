package org.genvmimage.cloudinit;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads cloud-init's stage messages from console lines, e.g. {@code Cloud-init v. 22.4.2 running
 * 'init' at Tue, 21 Nov 2023 09:59:07 +0000. Up 7.87 seconds.} Pure functions, no state.
 *
 * <p>On a serial console the kernel writes its messages whenever they come, also in the middle of a
 * line that a program is writing: {@code Cloud-init v. 22.4.2 runn[ 7.95] EXT4-fs (vda1): resized}
 * and, on the next line, {@code ing 'init' at ...}. {@link #read} undoes that: it cuts a line where
 * a kernel timestamp appears after its start, and joins the part before it with the next line
 * (unless that starts with a timestamp of its own, so it is no continuation).
 */
public final class CloudInitStages {
  /** The stage names as cloud-init prints them, in the order it runs them. */
  public static final List<String> NAMES =
      List.of("init-local", "init", "modules:config", "modules:final");

  /**
   * A stage message.
   *
   * @param stage one of {@link #NAMES}
   * @param version cloud-init's version, e.g. {@code 22.4.2} or {@code 24.1.3-0ubuntu1~22.04.1}
   * @param secondsAfterBoot the guest's uptime in the message ({@code Up 7.87 seconds}), else the
   *     kernel timestamp in front of it, else null
   */
  public record Mark(String stage, String version, Double secondsAfterBoot) {}

  /**
   * What one console line gives.
   *
   * @param lines the lines to look for messages in, put back together where a kernel message had
   *     cut them
   * @param carry the start of a line that a kernel message cut, to join with the next line; null
   */
  public record Reading(List<String> lines, String carry) {}

  private static final Pattern RUNNING =
      Pattern.compile(
          "Cloud-init v\\. (\\S+) running '(init-local|init|modules:config|modules:final)'"
              + "(?: at .*?\\bUp ([0-9]+(?:\\.[0-9]+)?) seconds)?");
  private static final Pattern KERNEL_TIME = Pattern.compile("\\[\\s*([0-9]+\\.[0-9]+)\\]");
  private static final Pattern DATASOURCE =
      Pattern.compile("\\bDatasource (\\w+(?: ?\\[[^\\]]*\\])*)");

  private CloudInitStages() {}

  /** The stage message in a (cleaned) console line, if it holds one. */
  public static Optional<Mark> parse(String line) {
    Matcher m = RUNNING.matcher(line);
    if (!m.find()) {
      return Optional.empty();
    }
    Double seconds = m.group(3) != null ? Double.valueOf(m.group(3)) : null;
    if (seconds == null) {
      Matcher time = KERNEL_TIME.matcher(line).region(0, m.start());
      while (time.find()) {
        seconds = Double.valueOf(time.group(1));
      }
    }
    return Optional.of(new Mark(m.group(2), m.group(1), seconds));
  }

  /**
   * Splits and joins console lines where kernel messages cut into them (see the class comment).
   *
   * @param carry {@link Reading#carry()} of the previous line, or null
   * @param line the next (cleaned) console line
   */
  public static Reading read(String carry, String line) {
    List<String> lines = new ArrayList<>(2);
    String text = line;
    int from = 1;
    if (carry != null) {
      if (startsWithKernelTime(line)) {
        lines.add(carry);
      } else {
        text = carry + line;
        from = Math.max(1, carry.length());
      }
    }
    Matcher time = KERNEL_TIME.matcher(text);
    if (from < text.length() && time.find(from) && !text.substring(0, time.start()).isBlank()) {
      lines.add(text.substring(time.start()));
      return new Reading(List.copyOf(lines), text.substring(0, time.start()));
    }
    lines.add(text);
    return new Reading(List.copyOf(lines), null);
  }

  /**
   * The data source named in cloud-init's final message, e.g. {@code DataSourceNoCloud
   * [seed=/dev/sr0][dsmode=net]}.
   */
  public static Optional<String> datasource(String finishedLine) {
    Matcher m = DATASOURCE.matcher(finishedLine);
    return m.find() ? Optional.of(m.group(1)) : Optional.empty();
  }

  private static boolean startsWithKernelTime(String line) {
    Matcher m = KERNEL_TIME.matcher(line);
    return m.lookingAt();
  }
}
