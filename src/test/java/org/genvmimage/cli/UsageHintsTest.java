package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.genvmimage.cli.CliRun.configure;
import static org.genvmimage.cli.CliRun.gen;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.genvmimage.cli.CliRun.Result;
import org.genvmimage.core.ExitCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage errors and a missing architecture file say what to type instead, through the real CLI. */
class UsageHintsTest {
  @TempDir Path dir;

  @Test
  void aMistypedOptionOfGenVmImageSuggestsTheClosest() {
    Result r = gen("--architecure-path", "x.yml");
    assertThat(r.exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.out()).isEmpty();
    assertThat(r.err())
        .isEqualTo(
            "gen-vm-image: unknown option '--architecure-path'; did you mean"
                + " '--architecture-path'?\n"
                + "Try 'gen-vm-image --help' for more information.\n");

    assertThat(gen("--image-output", "out.qcow2").err())
        .startsWith(
            "gen-vm-image: unknown option '--image-output'; did you mean"
                + " '--image-output-path'?\n");
    assertThat(gen("--gocd-grup=x").err())
        .startsWith("gen-vm-image: unknown option '--gocd-grup=x'; did you mean '--gocd-group'?\n");
    assertThat(gen("--no-such-thing").err())
        .startsWith("gen-vm-image: unknown option '--no-such-thing'\nTry ");
  }

  @Test
  void aMistypedOptionOfConfigureVmImageSuggestsTheClosest() {
    Result r = configure("--image-input", "x.qcow2", "--netwrk", "none");
    assertThat(r.exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err())
        .isEqualTo(
            "configure-vm-image: unknown option '--image-input'; did you mean"
                + " '--image-input-path'?\n"
                + "configure-vm-image: unknown option '--netwrk'; did you mean '--network'?\n"
                + "Try 'configure-vm-image --help' for more information.\n");
  }

  @Test
  void aStrayArgumentNamesTheCommands() {
    Result r = gen("stray");
    assertThat(r.exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err())
        .startsWith("gen-vm-image: unknown command 'stray'; the commands are: cache, verify\n");
    Result typo = gen("cahce", "list");
    assertThat(typo.exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(typo.err())
        .startsWith("gen-vm-image: unknown command 'cahce'; did you mean 'cache'?\n");
  }

  @Test
  void aWrongEnumValueListsTheValidOnes() {
    Result accel = configure("--accel", "kvmm");
    assertThat(accel.exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(accel.err())
        .startsWith(
            "configure-vm-image: Invalid value for option '--accel': expected one of [auto, kvm,"
                + " tcg] (case-insensitive) but was 'kvmm'\n")
        .endsWith("Try 'configure-vm-image --help' for more information.\n");
    assertThat(configure("--network", "nat").err())
        .contains("expected one of [user, none] (case-insensitive) but was 'nat'");
    assertThat(gen("--gocd-lock-behavior", "always").err())
        .contains(
            "expected one of [lockOnFailure, unlockWhenFinished, none] (case-insensitive) but was"
                + " 'always'");
  }

  /**
   * Every option with fixed values, in both commands and their subcommands: its help shows the
   * default as users type it (never an upper-case constant such as AUTO), and each value that help
   * and completion offer is accepted as it is written.
   */
  @Test
  void everyEnumOptionShowsAndAcceptsTheValuesAsTyped() {
    List<picocli.CommandLine> commands = new java.util.ArrayList<>();
    collect(
        Cli.commandLine(
            new GenVmImageCommand(),
            new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter())),
        commands);
    collect(
        Cli.commandLine(
            new ConfigureVmImageCommand(),
            new PrintWriter(new StringWriter()),
            new PrintWriter(new StringWriter())),
        commands);
    int enums = 0;
    for (picocli.CommandLine cl : commands) {
      String help = cl.getUsageMessage(picocli.CommandLine.Help.Ansi.OFF);
      for (picocli.CommandLine.Model.OptionSpec o : cl.getCommandSpec().options()) {
        if (!o.type().isEnum()) {
          continue;
        }
        enums++;
        String where = cl.getCommandSpec().qualifiedName() + " " + o.longestName();
        List<String> values = new java.util.ArrayList<>();
        o.completionCandidates().forEach(values::add);
        assertThat(values).as(where).isNotEmpty();
        for (String v : values) {
          assertThat(v).as(where).isNotEqualTo(v.toUpperCase(java.util.Locale.ROOT));
        }
        String shown = o.defaultValueString();
        if (shown != null) {
          assertThat(values).as(where + " default").contains(shown);
          assertThat(help).as(where).contains("Default: " + shown);
        }
        assertThat(help).as(where).doesNotContainPattern("Default: [A-Z]{2,}\\b");
      }
    }
    assertThat(enums).as("enum options found").isGreaterThanOrEqualTo(6);
    for (String accel : List.of("auto", "kvm", "tcg")) {
      ConfigureVmImageCommand c = new ConfigureVmImageCommand();
      Cli.commandLine(c, new PrintWriter(new StringWriter()), new PrintWriter(new StringWriter()))
          .parseArgs("--accel", accel);
      assertThat(c.accel.toString()).isEqualTo(accel);
    }
  }

  private static void collect(picocli.CommandLine cl, List<picocli.CommandLine> into) {
    into.add(cl);
    cl.getSubcommands().values().forEach(sub -> collect(sub, into));
  }

  @Test
  void theMissingArchitectureMessageNamesThePathAndTheExample() {
    assertThat(
            DefaultArchitecture.missingArchitecture(
                Path.of("/work/architecture.yml"),
                Path.of("/usr/local/share/gen-vm-image/examples")))
        .isEqualTo(
            "architecture file /work/architecture.yml not found; copy the example"
                + " /usr/local/share/gen-vm-image/examples/architecture.yml there and edit it, or"
                + " pass --architecture-path FILE");
    assertThat(DefaultArchitecture.missingArchitecture(Path.of("/work/architecture.yml"), null))
        .isEqualTo(
            "architecture file /work/architecture.yml not found; copy"
                + " examples/architecture.yml from the source tree there and edit it, or pass"
                + " --architecture-path FILE");
  }

  @Test
  void theExamplesFolderCountsOnlyWhenItHoldsTheExample() throws Exception {
    assertThat(DefaultArchitecture.examplesDir(null)).isNull();
    assertThat(DefaultArchitecture.examplesDir(" ")).isNull();
    assertThat(DefaultArchitecture.examplesDir(dir.toString())).isNull();
    Files.writeString(dir.resolve("architecture.yml"), "owner: x\n");
    assertThat(DefaultArchitecture.examplesDir(dir.resolve("a/..").toString())).isEqualTo(dir);
  }

  @Test
  void aMissingDefaultArchitectureFileInARealRun() throws Exception {
    Path examples = Path.of("examples").toAbsolutePath();
    Path work = Files.createDirectories(dir.resolve("work"));
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p =
        new ProcessBuilder(
                List.of(
                    java,
                    "-Dgenvmimage.examples=" + examples,
                    "-cp",
                    System.getProperty("java.class.path"),
                    GenVmImageCommand.class.getName()))
            .directory(work.toFile())
            .redirectOutput(dir.resolve("stdout").toFile())
            .redirectError(dir.resolve("stderr").toFile())
            .start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String err = Files.readString(dir.resolve("stderr"), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(err).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(err)
        .isEqualTo(
            "gen-vm-image: error: architecture file "
                + work.resolve("architecture.yml")
                + " not found; copy the example "
                + examples.resolve("architecture.yml")
                + " there and edit it, or pass --architecture-path FILE\n");
    assertThat(dir.resolve("stdout")).isEmptyFile();
    assertThat(work).isEmptyDirectory();
  }
}
