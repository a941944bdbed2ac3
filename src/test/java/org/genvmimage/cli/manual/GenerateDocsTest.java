package org.genvmimage.cli.manual;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/** The man pages and completion scripts of the real commands. */
class GenerateDocsTest {
  @TempDir Path dir;

  @Test
  void writesAPageForEveryCommandAndCompletionForBoth() throws Exception {
    GenerateDocs.main(new String[] {dir.toString()});
    assertThat(dir.resolve("man/man1/gen-vm-image.1")).isRegularFile();
    assertThat(dir.resolve("man/man1/configure-vm-image.1")).isRegularFile();
    for (CommandLine command : GenerateDocs.commands()) {
      for (CommandSpec spec : ManPage.documented(command.getCommandSpec())) {
        assertThat(dir.resolve("man/man1/" + spec.qualifiedName("-") + ".1")).isRegularFile();
      }
      String name = command.getCommandName();
      assertThat(dir.resolve("completion/bash/" + name)).isRegularFile();
      assertThat(dir.resolve("completion/zsh/_" + name)).isRegularFile();
    }
  }

  @Test
  void theSameModelGivesTheSameFiles() {
    assertThat(GenerateDocs.files(GenerateDocs.commands(), "1.0"))
        .isEqualTo(GenerateDocs.files(GenerateDocs.commands(), "1.0"));
  }

  @Test
  void everyVisibleOptionAndExitCodeIsOnThePage() {
    Map<String, String> files = GenerateDocs.files(GenerateDocs.commands(), "1.0");
    for (CommandLine command : GenerateDocs.commands()) {
      for (CommandSpec spec : ManPage.documented(command.getCommandSpec())) {
        String page = files.get("man/man1/" + spec.qualifiedName("-") + ".1");
        for (OptionSpec o : spec.options()) {
          if (!o.hidden()) {
            for (String name : o.names()) {
              assertThat(page).contains(Troff.bold(name));
            }
          }
        }
        for (String code : spec.usageMessage().exitCodeList().keySet()) {
          assertThat(page).contains(".TP\n" + Troff.bold(code.strip()) + "\n");
        }
      }
    }
  }

  @Test
  void theTopLevelPagesDocumentTheEnvironment() throws Exception {
    Map<String, String> files = GenerateDocs.files(GenerateDocs.commands(), "1.0");
    String gen = files.get("man/man1/gen-vm-image.1");
    String configure = files.get("man/man1/configure-vm-image.1");
    assertThat(gen)
        .contains(
            Troff.bold("GEN_VM_IMAGE_QEMU_IMG"),
            Troff.bold("GEN_VM_IMAGE_JAVA_OPTS"),
            Troff.bold("XDG_CACHE_HOME"),
            ".BR configure\\-vm\\-image (1),");
    assertThat(configure)
        .contains(
            Troff.bold("GEN_VM_IMAGE_QEMU"),
            Troff.bold("GEN_VM_IMAGE_QEMU_IMG"),
            ".BR gen\\-vm\\-image (1),");
    for (String page : files.values()) {
      if (page.startsWith(".\\\"")) {
        ManPageTest.Groff result = ManPageTest.groff(page);
        assertThat(result.stderr()).isEmpty();
        assertThat(result.stdout()).contains("EXIT STATUS").doesNotContain("PT30M");
      }
    }
  }

  @Test
  void bothTopLevelPagesHaveTheWholeExitStatusTable() throws Exception {
    Map<String, String> files = GenerateDocs.files(GenerateDocs.commands(), "1.0");
    for (String name : List.of("gen-vm-image", "configure-vm-image")) {
      String page = files.get("man/man1/" + name + ".1");
      String table = page.substring(page.indexOf(".SH \"EXIT STATUS\"\n"));
      for (ExitStatus.Row row : ExitStatus.rows()) {
        assertThat(table)
            .contains(
                ".TP\n"
                    + Troff.bold(String.valueOf(row.code()))
                    + "\n"
                    + Troff.text(row.meaning()));
      }
      assertThat(ManPageTest.groff(page).stdout())
          .contains("EXIT STATUS", "130", "interrupted (Ctrl-C)");
    }
  }

  @Test
  void genVmImageDocumentsTheArchitectureFile() throws Exception {
    String page = GenerateDocs.files(GenerateDocs.commands(), "1.0").get("man/man1/gen-vm-image.1");
    String text = ManPageTest.groff(page).stdout();
    assertThat(text)
        .containsSubsequence("OPTIONS", "ARCHITECTURE FILE", "EXIT STATUS")
        .contains(
            "owner: <string>",
            "get_url: https://example.org/images/debian-12.qcow2",
            "value: file:https://example.org/images/SHA512SUMS",
            "not a user account",
            "file:<URL>",
            "powers of 1024");
    for (String type : org.genvmimage.download.Checksums.supportedNames()) {
      assertThat(text).contains(type);
    }
    assertThat(
            GenerateDocs.files(GenerateDocs.commands(), "1.0").get("man/man1/configure-vm-image.1"))
        .doesNotContain("ARCHITECTURE FILE");
  }

  @Test
  void everyPageFitsAnEightyColumnTerminal() throws Exception {
    for (Map.Entry<String, String> file :
        GenerateDocs.files(GenerateDocs.commands(), "1.0").entrySet()) {
      if (file.getKey().startsWith("man/")) {
        ManPageTest.Groff result = ManPageTest.groff(file.getValue(), 80);
        assertThat(result.stdout().lines())
            .as(file.getKey())
            .allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
      }
    }
  }

  @Test
  void defaultsDoNotDependOnTheBuildMachine() {
    String configure =
        GenerateDocs.files(GenerateDocs.commands(), "1.0").get("man/man1/configure-vm-image.1");
    assertThat(configure)
        .contains("Default: 30m")
        .contains("Guest CPUs. Default: 2, or 1 on a host with one CPU.\n.TP");
  }
}
