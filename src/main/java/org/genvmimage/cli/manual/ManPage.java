package org.genvmimage.cli.manual;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;

/**
 * A man page in troff (the man macros) for one command, made from its picocli model: NAME,
 * SYNOPSIS, DESCRIPTION, COMMANDS (its subcommands), OPTIONS (with defaults as {@code --help} shows
 * them), the command's own sections (such as ARCHITECTURE FILE), EXIT STATUS (the {@link
 * ManSections} table, else the model's exit code list), then the {@link ManSections} that the model
 * does not hold: ENVIRONMENT, FILES, EXAMPLES and SEE ALSO. The same model always gives the same
 * page (no date in it).
 */
public final class ManPage {
  private ManPage() {}

  /** The page's name: the command's qualified name with dashes, e.g. {@code gen-vm-image-cache}. */
  public static String name(CommandSpec spec) {
    return spec.qualifiedName("-");
  }

  /** The page's file name in section 1, e.g. {@code gen-vm-image.1}. */
  public static String fileName(CommandSpec spec) {
    return name(spec) + ".1";
  }

  /** The commands of a tree to document: the command and every visible subcommand, depth first. */
  public static List<CommandSpec> documented(CommandSpec root) {
    List<CommandSpec> all = new ArrayList<>();
    all.add(root);
    for (CommandSpec sub : visibleSubcommands(root)) {
      all.addAll(documented(sub));
    }
    return all;
  }

  /** The page for {@code spec}, with the extra sections and the version for the page footer. */
  public static String render(CommandSpec spec, ManSections extra, String version) {
    StringBuilder out = new StringBuilder();
    String name = name(spec);
    String root = spec.root().name();
    out.append(".\\\" Generated from the picocli model of ")
        .append(spec.qualifiedName())
        .append("; do not edit.\n");
    out.append(".TH ")
        .append(Troff.quoted(name.toUpperCase(Locale.ROOT)))
        .append(" 1 \"\" ")
        .append(Troff.quoted(root + " " + version))
        .append(" \"User Commands\"\n");
    // no hyphenation (HY is what the macros reset it to), ragged right: options and paths stay
    // whole
    out.append(".nr HY 0\n.nh\n.ad l\n");

    out.append(".SH NAME\n");
    out.append(Troff.text(name + " - " + summary(spec, extra))).append('\n');

    out.append(".SH SYNOPSIS\n");
    ManSynopsis.append(spec, out);

    List<String> description = paragraphs(spec.usageMessage().description());
    if (!description.isEmpty()) {
      out.append(".SH DESCRIPTION\n");
      paragraphs(description, out);
    }

    List<CommandSpec> subcommands = visibleSubcommands(spec);
    if (!subcommands.isEmpty()) {
      out.append(".SH COMMANDS\n");
      for (CommandSpec sub : subcommands) {
        out.append(".TP\n").append(Troff.bold(sub.name())).append('\n');
        out.append(Troff.text(summary(sub, ManSections.NONE) + ".")).append('\n');
        out.append("See\n.BR ").append(Troff.inline(name(sub))).append(" (1).\n");
      }
    }

    List<OptionSpec> options = visibleOptions(spec);
    List<PositionalParamSpec> positionals = visiblePositionals(spec);
    if (!options.isEmpty() || !positionals.isEmpty()) {
      out.append(".SH OPTIONS\n");
      for (PositionalParamSpec p : positionals) {
        out.append(".TP\n").append(Troff.italic(p.paramLabel())).append('\n');
        ManOptions.text(spec, p, out);
      }
      for (OptionSpec o : options) {
        out.append(".TP\n").append(ManOptions.term(o)).append('\n');
        ManOptions.text(spec, o, out);
      }
    }

    for (ManSections.Section section : extra.sections()) {
      section(section, out);
    }

    if (!extra.exitStatus().isEmpty()) {
      entries("\"EXIT STATUS\"", extra.exitStatus(), out);
    } else {
      Map<String, String> exitCodes = spec.usageMessage().exitCodeList();
      if (!exitCodes.isEmpty()) {
        out.append(".SH \"EXIT STATUS\"\n");
        for (Map.Entry<String, String> e : exitCodes.entrySet()) {
          out.append(".TP\n").append(Troff.bold(e.getKey().strip())).append('\n');
          out.append(Troff.text(format(e.getValue()).strip())).append('\n');
        }
      }
    }

    entries("ENVIRONMENT", extra.environment(), out);
    entries("FILES", extra.files(), out);

    if (!extra.examples().isEmpty()) {
      out.append(".SH EXAMPLES\n");
      for (ManSections.Example example : extra.examples()) {
        out.append(".PP\n").append(Troff.text(example.text())).append('\n');
        out.append(".PP\n.RS 4\n.nf\n")
            .append(Troff.text(example.command()))
            .append("\n.fi\n.RE\n");
      }
    }

    Set<String> seeAlso = new LinkedHashSet<>();
    if (spec.parent() != null) {
      seeAlso.add(name(spec.parent()) + "(1)");
    }
    for (CommandSpec sub : subcommands) {
      seeAlso.add(name(sub) + "(1)");
    }
    seeAlso.addAll(extra.seeAlso());
    seeAlso.remove(name + "(1)");
    if (!seeAlso.isEmpty()) {
      out.append(".SH \"SEE ALSO\"\n");
      List<String> refs = new ArrayList<>(seeAlso);
      for (int i = 0; i < refs.size(); i++) {
        String ref = refs.get(i);
        int paren = ref.indexOf('(');
        String page = paren > 0 ? ref.substring(0, paren) : ref;
        String section = paren > 0 ? ref.substring(paren) : "";
        out.append(".BR ")
            .append(Troff.inline(page))
            .append(' ')
            .append(Troff.inline(section))
            .append(i < refs.size() - 1 ? "," : "")
            .append('\n');
      }
    }
    return out.toString();
  }

  /** The NAME line: the extra summary, else the header, else the description's first sentence. */
  static String summary(CommandSpec spec, ManSections extra) {
    if (extra.summary() != null && !extra.summary().isBlank()) {
      return extra.summary().strip();
    }
    List<String> header = paragraphs(spec.usageMessage().header());
    if (!header.isEmpty()) {
      return stripFinalDot(header.get(0));
    }
    List<String> description = paragraphs(spec.usageMessage().description());
    if (description.isEmpty()) {
      return spec.name();
    }
    String first = description.get(0);
    int end = first.indexOf(". ");
    if (end > 0) {
      first = first.substring(0, end);
    }
    first = stripFinalDot(first);
    return first.isEmpty()
        ? spec.name()
        : Character.toLowerCase(first.charAt(0)) + first.substring(1);
  }

  private static String stripFinalDot(String s) {
    String t = s.strip();
    return t.endsWith(".") ? t.substring(0, t.length() - 1) : t;
  }

  private static void section(ManSections.Section section, StringBuilder out) {
    out.append(".SH ").append(Troff.quoted(section.heading())).append('\n');
    boolean first = true;
    for (ManSections.Part part : section.parts()) {
      if (part instanceof ManSections.Text t) {
        out.append(first ? "" : ".PP\n").append(Troff.text(t.text())).append('\n');
      } else if (part instanceof ManSections.Literal l) {
        out.append(first ? "" : ".PP\n")
            .append(".RS 4\n.nf\n")
            .append(Troff.text(l.text()))
            .append("\n.fi\n.RE\n");
      } else if (part instanceof ManSections.Terms terms) {
        for (ManSections.Entry e : terms.entries()) {
          out.append(".TP\n").append(Troff.bold(e.term())).append('\n');
          out.append(Troff.text(e.text())).append('\n');
        }
      }
      first = false;
    }
  }

  private static void entries(String heading, List<ManSections.Entry> entries, StringBuilder out) {
    if (entries.isEmpty()) {
      return;
    }
    out.append(".SH ").append(heading).append('\n');
    for (ManSections.Entry e : entries) {
      out.append(".TP\n").append(Troff.bold(e.term())).append('\n');
      out.append(Troff.text(e.text())).append('\n');
    }
  }

  private static void paragraphs(List<String> paragraphs, StringBuilder out) {
    for (int i = 0; i < paragraphs.size(); i++) {
      if (i > 0) {
        out.append(".PP\n");
      }
      out.append(Troff.text(paragraphs.get(i))).append('\n');
    }
  }

  /**
   * Usage-message lines as paragraphs: picocli's {@code %n} ends a line and {@code %%} is a percent
   * sign; empty lines separate paragraphs and are dropped.
   */
  static List<String> paragraphs(String[] lines) {
    List<String> paragraphs = new ArrayList<>();
    if (lines == null) {
      return paragraphs;
    }
    for (String line : lines) {
      for (String part : format(line).split("\n")) {
        String p = part.strip();
        if (!p.isEmpty()) {
          paragraphs.add(p);
        }
      }
    }
    return paragraphs;
  }

  private static String format(String line) {
    return line.replace("%n", "\n").replace("%%", "%");
  }

  static List<OptionSpec> visibleOptions(CommandSpec spec) {
    return spec.options().stream().filter(o -> !o.hidden()).toList();
  }

  static List<PositionalParamSpec> visiblePositionals(CommandSpec spec) {
    return spec.positionalParameters().stream().filter(p -> !p.hidden()).toList();
  }

  static List<CommandSpec> visibleSubcommands(CommandSpec spec) {
    List<CommandSpec> subs = new ArrayList<>();
    Set<CommandLine> seen = new LinkedHashSet<>(); // aliases map to the same CommandLine
    for (CommandLine sub : spec.subcommands().values()) {
      CommandSpec s = sub.getCommandSpec();
      if (seen.add(sub)
          && !s.usageMessage().hidden()
          && !(s.userObject() instanceof CommandLine.HelpCommand)) {
        subs.add(s);
      }
    }
    return subs;
  }
}
