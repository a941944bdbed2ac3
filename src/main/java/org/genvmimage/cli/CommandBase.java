package org.genvmimage.cli;

import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.genvmimage.core.ExitCode;
import picocli.CommandLine.Command;

/**
 * What every command shares: {@code --help} and {@code --version}, the help's layout and its exit
 * code list, which {@link Cli} fills from {@link #exitCodes()} and {@link ExitCode}'s meanings.
 */
@Command(
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    sortOptions = false,
    usageHelpWidth = 100,
    exitCodeListHeading = "%nExit codes:%n")
public abstract class CommandBase {
  /** The codes every command that runs can end with: done, a bug, a usage error, an interrupt. */
  static final Set<ExitCode> COMMON =
      Collections.unmodifiableSet(
          EnumSet.of(ExitCode.OK, ExitCode.INTERNAL, ExitCode.USAGE, ExitCode.INTERRUPTED));

  /** The codes this command can end with. */
  abstract Set<ExitCode> exitCodes();

  /** {@link #COMMON} and a command's own codes. */
  static Set<ExitCode> commonAnd(ExitCode... own) {
    Set<ExitCode> codes = EnumSet.copyOf(COMMON);
    codes.addAll(List.of(own));
    return codes;
  }

  /** The help's exit code list: code, then meaning, in the order of the codes. */
  static Map<String, String> exitCodeList(Set<ExitCode> codes) {
    Map<String, String> list = new LinkedHashMap<>();
    for (ExitCode c : ExitCode.values()) {
      if (codes.contains(c)) {
        list.put(Integer.toString(c.code()), c.meaning());
      }
    }
    return list;
  }

  /**
   * An option's last value as the user wrote it, or {@code fallback}: a Path drops the trailing '/'
   * that makes a path a folder to write into.
   */
  static String asWritten(
      picocli.CommandLine.Model.CommandSpec spec, String option, String fallback) {
    picocli.CommandLine.Model.OptionSpec matched =
        spec.commandLine().getParseResult().matchedOption(option);
    if (matched == null || matched.stringValues().isEmpty()) {
      return fallback;
    }
    List<String> written = matched.stringValues();
    return written.get(written.size() - 1);
  }
}
