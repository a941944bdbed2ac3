package org.genvmimage.cli.manual;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * The SYNOPSIS of a man page: flags without a value folded into one {@code [-hqv]}, then each
 * option with its value label, the positional parameters and the subcommand label.
 */
final class ManSynopsis {
  private ManSynopsis() {}

  static void append(CommandSpec spec, StringBuilder out) {
    out.append(".SY ").append(Troff.quoted(spec.qualifiedName())).append('\n');
    StringBuilder flags = new StringBuilder();
    List<String> items = new ArrayList<>();
    for (OptionSpec o : ManPage.visibleOptions(spec)) {
      String shortName = shortName(o);
      if (o.arity().max() == 0 && shortName != null && !o.required()) {
        flags.append(shortName.substring(1));
        continue;
      }
      String item = Troff.bold(synopsisName(o));
      if (o.arity().max() > 0) {
        item += "\\ " + Troff.italic(o.paramLabel()); // a space that does not break
      }
      if (!o.required()) {
        item = "[" + item + "]";
      }
      if (o.isMultiValue()) {
        item += ".\\|.\\|.";
      }
      items.add(item);
    }
    if (flags.length() > 0) {
      out.append("[").append(Troff.bold("-" + flags)).append("]\n");
    }
    for (String item : items) {
      out.append(item).append('\n');
    }
    for (PositionalParamSpec p : ManPage.visiblePositionals(spec)) {
      String item = Troff.italic(p.paramLabel());
      if (p.arity().min() == 0) {
        item = "[" + item + "]";
      }
      if (p.arity().max() > 1) {
        item += ".\\|.\\|.";
      }
      out.append(item).append('\n');
    }
    if (!ManPage.visibleSubcommands(spec).isEmpty()) {
      // "[COMMAND]" by picocli's default; a command that needs one says "COMMAND"
      String label = spec.usageMessage().synopsisSubcommandLabel();
      boolean optional = label.startsWith("[");
      String name = label.replaceAll("[\\[\\]]", "");
      out.append(optional ? "[" + Troff.italic(name) + "]" : Troff.italic(name)).append('\n');
    }
    out.append(".YS\n");
  }

  /** The first long name (--name), else the longest one. */
  private static String synopsisName(OptionSpec o) {
    for (String n : o.names()) {
      if (n.startsWith("--")) {
        return n;
      }
    }
    return o.longestName();
  }

  private static String shortName(OptionSpec o) {
    for (String n : o.names()) {
      if (n.length() == 2 && n.charAt(0) == '-' && n.charAt(1) != '-') {
        return n;
      }
    }
    return null;
  }
}
