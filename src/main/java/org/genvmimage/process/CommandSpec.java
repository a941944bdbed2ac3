package org.genvmimage.process;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

/**
 * What to run: the argument list (never a shell line) and how to run it. Build with {@link
 * #of(String...)} and the {@code with…} methods; unset parts default to: the current directory, the
 * inherited environment, no timeout, success on exit code 0, no callbacks and no install hint.
 *
 * @param command the program and its arguments
 * @param workingDir the directory to run in, or null for the current one
 * @param env variables added to (or replacing those of) the inherited environment
 * @param timeout how long the command may run, or null for no limit
 * @param okExitCodes the exit codes that count as success
 * @param onStdout receives each stdout segment (split on '\n' and '\r', terminators removed, empty
 *     segments skipped), or null
 * @param onStderr the same for stderr, or null
 * @param missingHint what to tell the user when the program is not installed, e.g. "install
 *     qemu-utils (Debian/Ubuntu)", or null
 */
public record CommandSpec(
    List<String> command,
    Path workingDir,
    Map<String, String> env,
    Duration timeout,
    Set<Integer> okExitCodes,
    Consumer<String> onStdout,
    Consumer<String> onStderr,
    String missingHint) {

  public CommandSpec {
    command = List.copyOf(command);
    if (command.isEmpty()) {
      throw new IllegalArgumentException("empty command");
    }
    env = Map.copyOf(env == null ? Map.of() : env);
    okExitCodes =
        Set.copyOf(okExitCodes == null || okExitCodes.isEmpty() ? Set.of(0) : okExitCodes);
    if (timeout != null && (timeout.isNegative() || timeout.isZero())) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
  }

  /** A spec for this argument list with all defaults. */
  public static CommandSpec of(List<String> command) {
    return new CommandSpec(command, null, null, null, null, null, null, null);
  }

  /** A spec for these arguments with all defaults. */
  public static CommandSpec of(String... command) {
    return of(List.of(command));
  }

  /** The program name, as the first argument gives it. */
  public String program() {
    return command.get(0);
  }

  public CommandSpec withWorkingDir(Path dir) {
    return new CommandSpec(
        command, dir, env, timeout, okExitCodes, onStdout, onStderr, missingHint);
  }

  /** Adds one environment variable to those already set on this spec. */
  public CommandSpec withEnv(String name, String value) {
    Map<String, String> more = new LinkedHashMap<>(env);
    more.put(Objects.requireNonNull(name), Objects.requireNonNull(value));
    return new CommandSpec(
        command, workingDir, more, timeout, okExitCodes, onStdout, onStderr, missingHint);
  }

  public CommandSpec withTimeout(Duration limit) {
    return new CommandSpec(
        command, workingDir, env, limit, okExitCodes, onStdout, onStderr, missingHint);
  }

  public CommandSpec withOkExitCodes(Integer... codes) {
    return new CommandSpec(
        command,
        workingDir,
        env,
        timeout,
        Set.copyOf(List.of(codes)),
        onStdout,
        onStderr,
        missingHint);
  }

  public CommandSpec withStdout(Consumer<String> callback) {
    return new CommandSpec(
        command, workingDir, env, timeout, okExitCodes, callback, onStderr, missingHint);
  }

  public CommandSpec withStderr(Consumer<String> callback) {
    return new CommandSpec(
        command, workingDir, env, timeout, okExitCodes, onStdout, callback, missingHint);
  }

  public CommandSpec withMissingHint(String hint) {
    return new CommandSpec(
        command, workingDir, env, timeout, okExitCodes, onStdout, onStderr, hint);
  }
}
