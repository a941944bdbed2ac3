package org.genvmimage.cli;

import java.util.LinkedHashMap;
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
  /** The codes this command can end with. */
  abstract Set<ExitCode> exitCodes();

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
}
