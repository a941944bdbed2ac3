package org.genvmimage.cli.manual;

import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Model.ArgSpec;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The OPTIONS entries of a man page: each option's names and value, its text and its default. */
final class ManOptions {
  private ManOptions() {}

  static String term(OptionSpec o) {
    List<String> names = new ArrayList<>();
    for (String n : o.names()) {
      names.add(Troff.bold(n));
    }
    String term = String.join(", ", names);
    if (o.arity().max() > 0) {
      term += " " + Troff.italic(o.paramLabel());
    }
    return term;
  }

  static void text(CommandSpec spec, ArgSpec arg, StringBuilder out) {
    List<String> text = ManPage.paragraphs(arg.description());
    if (text.isEmpty()) {
      text = List.of("");
    }
    for (int i = 0; i < text.size(); i++) {
      if (i > 0) {
        out.append(".IP\n");
      }
      out.append(Troff.text(text.get(i))).append('\n');
    }
    String defaultValue = shownDefault(spec, arg);
    if (defaultValue != null) {
      out.append(".br\nDefault: ").append(Troff.inline(defaultValue)).append('\n');
    }
  }

  /** The default value as {@code --help} shows it, or null when it shows none. */
  static String shownDefault(CommandSpec spec, ArgSpec arg) {
    if (arg.showDefaultValue() == Visibility.NEVER) {
      return null;
    }
    String value = arg.defaultValueString();
    if (arg.showDefaultValue() == Visibility.ALWAYS) {
      return String.valueOf(value);
    }
    if (!spec.usageMessage().showDefaultValues() || value == null || "null".equals(value)) {
      return null;
    }
    if (arg.isOption()) {
      OptionSpec o = (OptionSpec) arg;
      if (o.arity().max() == 0 || o.usageHelp() || o.versionHelp()) {
        return null;
      }
    }
    for (String line : arg.description()) {
      if (line.contains("${DEFAULT-VALUE}")) {
        return null;
      }
    }
    return value;
  }
}
