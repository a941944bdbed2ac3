package org.genvmimage.cli.manual;

import java.util.regex.Pattern;
import picocli.AutoComplete;
import picocli.CommandLine;

/**
 * Shell completion for a command, from its picocli model: picocli's bash script, and a zsh
 * completion function that runs the same script through zsh's bashcompinit.
 */
public final class Completion {
  private static final Pattern ZSH_SETUP =
      Pattern.compile("(?s)elif \\[ -n \"\\$ZSH_VERSION\" \\]; then\n.*?\nfi\n");

  private Completion() {}

  /** The bash function that completes the command (what {@code complete -F} names). */
  public static String bashFunction(String command) {
    return "_complete_" + command;
  }

  /**
   * The bash completion script: it defines {@link #bashFunction} and registers it with {@code
   * complete -F} for the command. Installed as {@code share/bash-completion/completions/<command>},
   * bash-completion loads it on first use; without bash-completion it can be sourced.
   */
  public static String bash(CommandLine commandLine) {
    String command = commandLine.getCommandName();
    return AutoComplete.bash(command, commandLine);
  }

  /**
   * The zsh completion function {@code _<command>}, for a folder on {@code fpath} (such as {@code
   * share/zsh/site-functions}). On first use it loads bashcompinit, defines the bash script's
   * functions (whose {@code complete} call registers them for later completions) and completes the
   * current word with them.
   */
  public static String zsh(CommandLine commandLine) {
    String command = commandLine.getCommandName();
    String bash = bash(commandLine);
    if (bash.startsWith("#!")) {
      bash = bash.substring(bash.indexOf('\n') + 1);
    }
    // The script's own zsh set-up would set options and an alias in the user's shell (and the
    // alias cannot reach functions already read, as these are); this file loads bashcompinit.
    bash = ZSH_SETUP.matcher(bash).replaceFirst("fi\n");
    return "#compdef "
        + command
        + "\n"
        + "# zsh completion for "
        + command
        + ": the bash completion below, run through zsh's bashcompinit.\n"
        + "autoload -U +X bashcompinit && bashcompinit\n"
        + "\n"
        + bash
        + "\n"
        + "# Complete the word that loaded this file; later completions call the function directly.\n"
        + "_bash_complete -F "
        + bashFunction(command)
        + " -o default\n";
  }
}
