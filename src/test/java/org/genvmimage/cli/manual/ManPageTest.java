package org.genvmimage.cli.manual;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.genvmimage.cli.manual.ManSections.Entry;
import org.genvmimage.cli.manual.ManSections.Example;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Help.Visibility;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

class ManPageTest {
  @Command(
      name = "tool",
      mixinStandardHelpOptions = true,
      sortOptions = false,
      showDefaultValues = true,
      description = {".Starts with a dot. Then more.", "Second%nthird 100%%", ""},
      exitCodeList = {"0:ok", "7:a tool is missing"},
      subcommands = {Sub.class, CommandLine.HelpCommand.class})
  static class Tool {
    @Option(
        names = {"-f", "--force"},
        description = "Force it.")
    boolean force;

    @Option(names = "--path", paramLabel = "FILE", description = "A path like C:\\temp.")
    Path path = Path.of("a-b.yml");

    @Option(names = "--secret", hidden = true, description = "Not shown.")
    String secret;

    @Option(names = "--never", showDefaultValue = Visibility.NEVER, description = "No default.")
    String never = "hidden-default";

    @Option(names = "--many", paramLabel = "K", description = "Repeatable.")
    List<String> many;

    @Option(names = "--mode", paramLabel = "MODE", description = "One of ${COMPLETION-CANDIDATES}.")
    Mode mode = Mode.slow;

    @Parameters(paramLabel = "ARG", arity = "0..*", description = "'Quoted start.")
    List<String> args;
  }

  enum Mode {
    slow,
    fast
  }

  @Command(
      name = "sub",
      description = "Does sub things. And more.",
      subcommands = {Leaf.class})
  static class Sub {}

  @Command(name = "leaf", header = "The leaf.", description = "Leaf text.")
  static class Leaf {
    @Parameters(paramLabel = "KEY", description = "The key.")
    String key;
  }

  static final ManSections EXTRA =
      new ManSections(
          "do tool things",
          List.of(),
          List.of(),
          List.of(new Entry("TOOL_HOME", "Where it lives.")),
          List.of(new Entry("~/.tool", "Its state.")),
          List.of(new Example("Run it:", "tool --force .")),
          List.of("other(1)", "tool(1)"));

  private static CommandSpec spec() {
    return new CommandLine(new Tool()).getCommandSpec();
  }

  private static CommandSpec find(String qualifiedName) {
    return ManPage.documented(spec()).stream()
        .filter(s -> s.qualifiedName().equals(qualifiedName))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void onePagePerCommandAndSubcommandWithoutTheHelpCommand() {
    assertThat(ManPage.documented(spec()).stream().map(ManPage::fileName))
        .containsExactly("tool.1", "tool-sub.1", "tool-sub-leaf.1");
  }

  @Test
  void sectionsInOrder() {
    String page = ManPage.render(spec(), EXTRA, "9.9");
    assertThat(page)
        .containsSubsequence(
            ".TH \"TOOL\" 1 \"\" \"tool 9.9\" \"User Commands\"\n",
            ".SH NAME\ntool \\- do tool things\n",
            ".SH SYNOPSIS\n",
            ".SH DESCRIPTION\n",
            ".SH COMMANDS\n",
            ".SH OPTIONS\n",
            ".SH \"EXIT STATUS\"\n",
            ".SH ENVIRONMENT\n.TP\n\\fBTOOL_HOME\\fR\nWhere it lives.\n",
            ".SH FILES\n.TP\n\\fB~/.tool\\fR\nIts state.\n",
            ".SH EXAMPLES\n",
            ".SH \"SEE ALSO\"\n");
  }

  @Test
  void synopsisFromTheOptions() {
    String page = ManPage.render(spec(), ManSections.NONE, "1");
    String synopsis = between(page, ".SY", ".YS");
    assertThat(synopsis)
        .contains("[\\fB\\-fhV\\fR]")
        .contains("[\\fB\\-\\-path\\fR\\ \\fIFILE\\fR]")
        .contains("[\\fB\\-\\-many\\fR\\ \\fIK\\fR].\\|.\\|.")
        .contains("[\\fIARG\\fR].\\|.\\|.")
        .contains("\\fICOMMAND\\fR")
        .doesNotContain("secret");
  }

  @Test
  void optionsWithDefaultsAsHelpShowsThem() {
    String options = between(ManPage.render(spec(), ManSections.NONE, "1"), ".SH OPTIONS", ".SH ");
    assertThat(options)
        .contains(".TP\n\\fB\\-f\\fR, \\fB\\-\\-force\\fR\nForce it.\n.TP")
        .contains(
            ".TP\n\\fB\\-\\-path\\fR \\fIFILE\\fR\nA path like C:\\etemp.\n.br\nDefault: a\\-b.yml\n")
        .contains("One of slow, fast.\n.br\nDefault: slow\n")
        .contains(".TP\n\\fIARG\\fR\n\\&'Quoted start.\n")
        .doesNotContain("hidden-default", "hidden\\-default", "secret", "Default: false");
  }

  @Test
  void descriptionParagraphsFromPicocliLines() {
    String description =
        between(ManPage.render(spec(), ManSections.NONE, "1"), ".SH DESCRIPTION", ".SH ");
    assertThat(description)
        .isEqualTo("\n\\&.Starts with a dot. Then more.\n.PP\nSecond\n.PP\nthird 100%\n");
  }

  @Test
  void exitStatusFromTheExitCodeList() {
    assertThat(ManPage.render(spec(), ManSections.NONE, "1"))
        .contains(".SH \"EXIT STATUS\"\n.TP\n\\fB0\\fR\nok\n.TP\n\\fB7\\fR\na tool is missing\n");
  }

  @Test
  void ownSectionsAfterOptionsAndAnExitStatusTableThatReplacesTheModels() {
    ManSections extra =
        new ManSections(
            null,
            List.of(
                new ManSections.Section(
                    "INPUT FILE",
                    List.of(
                        new ManSections.Text("It holds:"),
                        new ManSections.Literal("key: <value>\n  .dotted: x"),
                        new ManSections.Terms(List.of(new Entry("key", "The key."))),
                        new ManSections.Text("More."))),
                new ManSections.Section("OTHER", List.of(new ManSections.Text("Other.")))),
            List.of(new Entry("0", "done"), new Entry("130", "interrupted")),
            List.of(),
            List.of(),
            List.of(),
            List.of());
    String page = ManPage.render(spec(), extra, "1");
    assertThat(page)
        .containsSubsequence(
            ".SH OPTIONS\n",
            ".SH \"INPUT FILE\"\nIt holds:\n.PP\n.RS 4\n.nf\nkey: <value>\n  .dotted: x\n.fi\n.RE\n"
                + ".TP\n\\fBkey\\fR\nThe key.\n.PP\nMore.\n",
            ".SH \"OTHER\"\nOther.\n",
            ".SH \"EXIT STATUS\"\n.TP\n\\fB0\\fR\ndone\n.TP\n\\fB130\\fR\ninterrupted\n")
        .doesNotContain("a tool is missing");
  }

  @Test
  void subcommandsAreListedAndLinked() {
    String page = ManPage.render(spec(), EXTRA, "1");
    assertThat(between(page, ".SH COMMANDS", ".SH "))
        .isEqualTo("\n.TP\n\\fBsub\\fR\ndoes sub things.\nSee\n.BR tool\\-sub (1).\n");
    assertThat(between(page, ".SH \"SEE ALSO\"", "\n.X"))
        .as("children and extras, not the page itself")
        .isEqualTo("\n.BR tool\\-sub (1),\n.BR other (1)\n");
  }

  @Test
  void aSubcommandPageNamesItsParentAndChildren() {
    String page = ManPage.render(find("tool sub"), ManSections.NONE, "1");
    assertThat(page)
        .contains(".TH \"TOOL\\-SUB\" 1 \"\" \"tool 1\"")
        .contains(".SH NAME\ntool\\-sub \\- does sub things\n")
        .contains(".SY \"tool sub\"\n")
        .contains(".SH \"SEE ALSO\"\n.BR tool (1),\n.BR tool\\-sub\\-leaf (1)\n");
    assertThat(ManPage.render(find("tool sub leaf"), ManSections.NONE, "1"))
        .as("the header is the summary")
        .contains(".SH NAME\ntool\\-sub\\-leaf \\- The leaf\n")
        .contains(".SY \"tool sub leaf\"\n\\fIKEY\\fR\n.YS\n");
  }

  @Test
  void theSameModelGivesTheSamePage() {
    assertThat(ManPage.render(spec(), EXTRA, "1")).isEqualTo(ManPage.render(spec(), EXTRA, "1"));
  }

  @Test
  void noTextLineIsReadAsARequest() {
    Pattern request = Pattern.compile("^\\.(\\\\\"|[A-Z]{1,2}\\b|nr |nh$|ad l$|nf$|fi$|br$)");
    for (CommandSpec s : ManPage.documented(spec())) {
      for (String line : ManPage.render(s, EXTRA, "1").split("\n")) {
        if (line.startsWith(".") || line.startsWith("'")) {
          assertThat(request.matcher(line).find()).as(line).isTrue();
        }
      }
    }
  }

  @Test
  void groffFormatsEveryPageWithoutWarnings() throws Exception {
    for (CommandSpec s : ManPage.documented(spec())) {
      String page = ManPage.render(s, EXTRA, "1");
      Groff result = groff(page);
      assertThat(result.stderr).as(page).isEmpty();
      assertThat(result.stdout).contains("NAME", "SYNOPSIS");
    }
    assertThat(groff(ManPage.render(spec(), EXTRA, "1")).stdout)
        .contains("[-fhV] [--path FILE]", ".Starts with a dot.", "Default: a-b.yml");
  }

  record Groff(String stdout, String stderr) {}

  /** Formats a page with the real groff, all warnings on. */
  static Groff groff(String page) throws IOException, InterruptedException {
    return groff(page, 100);
  }

  /** Formats a page with the real groff, all warnings on, on lines of {@code columns}. */
  static Groff groff(String page, int columns) throws IOException, InterruptedException {
    Process p =
        new ProcessBuilder("groff", "-man", "-Tutf8", "-ww", "-rLL=" + columns + "n", "-P-c")
            .redirectInput(ProcessBuilder.Redirect.PIPE)
            .start();
    try (var in = p.getOutputStream()) {
      in.write(page.getBytes(StandardCharsets.UTF_8));
    }
    byte[] out = p.getInputStream().readAllBytes();
    byte[] err = p.getErrorStream().readAllBytes();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isZero();
    String text = new String(out, StandardCharsets.UTF_8).replaceAll(".\b", "");
    return new Groff(text, new String(err, StandardCharsets.UTF_8));
  }

  private static String between(String text, String from, String to) {
    int start = text.indexOf(from);
    assertThat(start).as(from).isNotNegative();
    start += from.length();
    int end = text.indexOf(to, start);
    return end < 0 ? text.substring(start) : text.substring(start, end);
  }
}
