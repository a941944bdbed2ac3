package org.genvmimage.cloudinit;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads a guest's console output and follows cloud-init through it: the stage it is in, the
 * warnings and errors it prints, its final "finished" message, and guest failures (a kernel panic,
 * systemd's emergency mode).
 *
 * <p>Feed it text with {@link #accept}, a line or a chunk at a time, from any thread (typically a
 * {@link LogTail} on the serial log). Console text is cleaned first: ANSI escape sequences and
 * control characters are removed and a carriage return ends a line, so a message still matches when
 * it is coloured or follows a login prompt on the same line. Matching is unanchored. A stage or
 * final message that a kernel message cut in two is put back together ({@link CloudInitStages}).
 *
 * <p>The finished pattern is {@link #DEFAULT_FINISHED_PATTERN} unless given; its named groups
 * {@code version} and {@code uptime} (seconds), when it has them, are captured.
 */
public final class CloudInitWatcher implements Consumer<String> {
  /**
   * Cloud-init's final message, e.g. {@code Cloud-init v. 22.4.2 finished at ... Up 71.83 seconds}.
   */
  public static final String DEFAULT_FINISHED_PATTERN =
      "Cloud-init v\\. (?<version>\\S+) finished at .*?Up (?<uptime>[0-9.]+) seconds";

  /** At most this many distinct warnings and errors are kept; the rest are only counted. */
  public static final int MAX_PROBLEMS = 50;

  private static final int MAX_PROBLEM_LENGTH = 300;
  private static final int MAX_DROPPED = 10_000;

  private static final Pattern ESCAPES =
      Pattern.compile(
          "\\x1B\\[[0-?]*[ -/]*[@-~]" // CSI: colours, cursor movement
              + "|\\x1B\\][^\\x07\\x1B]*(?:\\x07|\\x1B\\\\)?" // OSC: window titles
              + "|\\x1B[()][0-9A-Za-z]" // character set selection
              + "|\\x1B[0-~]" // other two-character sequences
              + "|[\\x00-\\x08\\x0B-\\x1F\\x7F]"); // remaining control characters
  private static final Pattern PROBLEM =
      Pattern.compile(
          "\\w\\.py\\[(?:WARNING|ERROR|CRITICAL|DEPRECATED)\\]" // cloud-init's log format
              + "|\\[CLOUDINIT\\].*\\b(?:WARNING|ERROR|CRITICAL)\\b"
              + "|cloud-init\\[\\d+\\]:.*\\b(?:WARNING|ERROR|CRITICAL)\\b"
              + "|Failed to run module"
              + "|(?:\\bFAILED\\b|Failed to start).*(?i:cloud)"); // systemd: a cloud-* unit failed
  private static final Pattern GUEST_FAILURE =
      Pattern.compile("Kernel panic - not syncing|You are in (?:emergency|rescue) mode");
  private static final Pattern NOISE =
      Pattern.compile(
          "^\\[\\s*\\d+\\.\\d+\\]\\s*" // kernel timestamp
              + "|(?<=cloud-init)\\[\\d+\\]" // process id
              + "|\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d,\\d+ - "); // cloud-init log timestamp

  /** Where cloud-init is, as the console shows it. */
  public enum Stage {
    /** Nothing from cloud-init yet. */
    WAITING,
    /** {@code running 'init-local'}: before networking. */
    INIT_LOCAL,
    /** {@code running 'init'}: the network stage. */
    INIT,
    /** {@code running 'modules:config'}. */
    MODULES_CONFIG,
    /** {@code running 'modules:final'}: packages, runcmd, scripts. */
    MODULES_FINAL,
    /** The final message was seen. */
    FINISHED
  }

  /**
   * Cloud-init's final message.
   *
   * @param version cloud-init's version, or null when the pattern does not capture it
   * @param uptime the guest's uptime when cloud-init finished, or null when not captured
   * @param line the console line, cleaned
   */
  public record Finished(String version, Duration uptime, String line) {}

  /**
   * A stage that cloud-init entered.
   *
   * @param name as cloud-init prints it: {@code init-local}, {@code init}, {@code modules:config},
   *     {@code modules:final}
   * @param secondsAfterBoot the guest's uptime when the stage began, or null when not shown
   */
  public record StageSeen(Stage stage, String name, Double secondsAfterBoot) {}

  /**
   * Hears about progress on the thread that feeds the watcher; every method does nothing by
   * default.
   */
  public interface Listener {
    /** Cloud-init entered {@code stage}; {@code line} is the console line that showed it. */
    default void stageChanged(Stage stage, String line) {}

    /** A new warning or error, as {@link #problems()} lists it. */
    default void problem(String problem) {}

    /** Cloud-init finished. */
    default void finished(Finished finished) {}

    /** The guest failed: {@code line} is the console line that shows it. */
    default void guestFailed(String line) {}
  }

  private final Pattern finishedPattern;
  private final Listener listener;
  private final Set<String> problems = new LinkedHashSet<>();
  private final Set<Integer> dropped = new HashSet<>();
  private final List<StageSeen> stages = new ArrayList<>();
  private String carry;
  private Stage stage = Stage.WAITING;
  private String version;
  private Finished finished;
  private String guestFailure;

  /** A watcher with the default finished pattern and no listener. */
  public CloudInitWatcher() {
    this(Pattern.compile(DEFAULT_FINISHED_PATTERN), new Listener() {});
  }

  /** A watcher with this finished pattern (e.g. from {@code --finished-pattern}) and listener. */
  public CloudInitWatcher(Pattern finishedPattern, Listener listener) {
    this.finishedPattern = Objects.requireNonNull(finishedPattern, "finishedPattern");
    this.listener = Objects.requireNonNull(listener, "listener");
  }

  /**
   * Takes console text: one or more complete lines, with or without their line ends. Text is split
   * at {@code \n} and {@code \r}; each piece is one line.
   */
  @Override
  public void accept(String text) {
    List<Runnable> events = new ArrayList<>();
    synchronized (this) {
      for (String raw : text.split("[\r\n]")) {
        String line = clean(raw);
        if (!line.isEmpty()) {
          examine(line, events);
        }
      }
      if (!events.isEmpty()) {
        notifyAll();
      }
    }
    events.forEach(Runnable::run);
  }

  private void examine(String line, List<Runnable> events) {
    CloudInitStages.Reading reading = CloudInitStages.read(carry, line);
    carry = reading.carry();
    List<String> texts = reading.lines();
    boolean message = false;
    for (int i = 0; i < texts.size(); i++) {
      boolean last = i == texts.size() - 1;
      String text = texts.get(i);
      // the raw line first (a --finished-pattern may span what the reader split); the same text
      // is not matched twice
      boolean found =
          (last && finished(line, events))
              || (!(last && text.equals(line)) && finished(text, events))
              || stage(text, events);
      message |= last && found;
    }
    if (message) {
      return;
    }
    if (GUEST_FAILURE.matcher(line).find()) {
      if (guestFailure == null) {
        guestFailure = line;
        events.add(() -> listener.guestFailed(line));
      }
      return;
    }
    if (PROBLEM.matcher(line).find()) {
      String problem = NOISE.matcher(line).replaceAll("").strip();
      if (problem.length() > MAX_PROBLEM_LENGTH) {
        problem = problem.substring(0, MAX_PROBLEM_LENGTH) + "...";
      }
      if (problems.contains(problem)) {
        return;
      }
      if (problems.size() >= MAX_PROBLEMS) {
        if (dropped.size() < MAX_DROPPED) {
          dropped.add(problem.hashCode());
        }
        return;
      }
      problems.add(problem);
      String added = problem;
      events.add(() -> listener.problem(added));
    }
  }

  /** Whether the line holds the final message; the first one seen is kept. */
  private boolean finished(String line, List<Runnable> events) {
    Matcher done = finishedPattern.matcher(line);
    if (!done.find()) {
      return false;
    }
    Finished result = new Finished(group(done, "version"), uptime(group(done, "uptime")), line);
    if (finished == null) {
      finished = result;
      if (result.version() != null) {
        version = result.version();
      }
      events.add(() -> listener.finished(result));
    }
    setStage(Stage.FINISHED, line, events);
    return true;
  }

  /** Whether the line holds a stage message. */
  private boolean stage(String line, List<Runnable> events) {
    Optional<CloudInitStages.Mark> found = CloudInitStages.parse(line);
    if (found.isEmpty()) {
      return false;
    }
    CloudInitStages.Mark mark = found.get();
    version = mark.version();
    Stage next =
        switch (mark.stage()) {
          case "init-local" -> Stage.INIT_LOCAL;
          case "init" -> Stage.INIT;
          case "modules:config" -> Stage.MODULES_CONFIG;
          default -> Stage.MODULES_FINAL;
        };
    if (stage != next) {
      stages.add(new StageSeen(next, mark.stage(), mark.secondsAfterBoot()));
    }
    setStage(next, line, events);
    return true;
  }

  private void setStage(Stage next, String line, List<Runnable> events) {
    if (stage != next) {
      stage = next;
      events.add(() -> listener.stageChanged(next, line));
    }
  }

  /** The stage the console showed last. */
  public synchronized Stage stage() {
    return stage;
  }

  /** The stages cloud-init entered, in order (again after a reboot). */
  public synchronized List<StageSeen> stages() {
    return List.copyOf(stages);
  }

  /** The data source named in the final message, e.g. {@code DataSourceNoCloud [seed=/dev/sr0]}. */
  public synchronized Optional<String> datasource() {
    return finished == null ? Optional.empty() : CloudInitStages.datasource(finished.line());
  }

  /** Cloud-init's version, once a stage or the final message showed it. */
  public synchronized Optional<String> version() {
    return Optional.ofNullable(version);
  }

  /** The final message, once seen. */
  public synchronized Optional<Finished> finished() {
    return Optional.ofNullable(finished);
  }

  /** The console line that showed a kernel panic or emergency mode, once seen. */
  public synchronized Optional<String> guestFailure() {
    return Optional.ofNullable(guestFailure);
  }

  /**
   * The warnings and errors seen, in order, each once, without kernel timestamps, process ids and
   * log timestamps; at most {@value #MAX_PROBLEMS}.
   */
  public synchronized List<String> problems() {
    return List.copyOf(problems);
  }

  /**
   * How many more distinct warnings and errors were seen than {@link #problems()} holds (counted up
   * to 10,000).
   */
  public synchronized int moreProblems() {
    return dropped.size();
  }

  /** Whether cloud-init finished or the guest failed. */
  public synchronized boolean isDone() {
    return finished != null || guestFailure != null;
  }

  /**
   * Waits until cloud-init finishes or the guest fails, at most {@code timeout}.
   *
   * @return whether that happened ({@link #isDone()})
   */
  public synchronized boolean await(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!isDone()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      long millis = Math.max(1, left / 1_000_000);
      wait(millis);
    }
    return true;
  }

  /** Console text without escape sequences and control characters, trailing space stripped. */
  public static String clean(String raw) {
    return ESCAPES.matcher(raw).replaceAll("").stripTrailing();
  }

  private static String group(Matcher matcher, String name) {
    try {
      return matcher.group(name);
    } catch (IllegalArgumentException noSuchGroup) {
      return null;
    }
  }

  private static Duration uptime(String seconds) {
    if (seconds == null) {
      return null;
    }
    try {
      return Duration.ofMillis(Math.round(Double.parseDouble(seconds) * 1000));
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
