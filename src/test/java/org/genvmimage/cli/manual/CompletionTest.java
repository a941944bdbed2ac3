package org.genvmimage.cli.manual;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class CompletionTest {
  @TempDir Path dir;

  private static CommandLine command(String name) {
    return GenerateDocs.commands().stream()
        .filter(c -> c.getCommandName().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void bashRegistersItsFunctionForTheCommand() {
    String bash = Completion.bash(command("gen-vm-image"));
    assertThat(bash)
        .contains("function _complete_gen-vm-image()")
        .contains("complete -F _complete_gen-vm-image -o default gen-vm-image ")
        .contains("'--architecture-path'", "'--image-output-path'", "'--cache-dir'");
  }

  @Test
  void zshIsACompdefFunctionThatRunsTheBashScript() {
    String zsh = Completion.zsh(command("configure-vm-image"));
    assertThat(zsh).startsWith("#compdef configure-vm-image\n").doesNotContain("#!/");
    assertThat(zsh).contains("autoload -U +X bashcompinit && bashcompinit\n");
    assertThat(zsh).contains("function _complete_configure-vm-image()");
    assertThat(zsh).endsWith("_bash_complete -F _complete_configure-vm-image -o default\n");
    assertThat(zsh)
        .as("picocli's own zsh set-up is left out: it would alias compopt in the user's shell")
        .doesNotContain("ZSH_VERSION", "alias compopt", "COMPLETE_ALIASES", "&& compinit")
        .contains("  shopt -s progcomp\nfi\n");
  }

  @Test
  void bashCompletesOptionsAndEnumValues() throws Exception {
    assertThat(complete("gen-vm-image", "--archi")).containsExactly("--architecture-path");
    assertThat(complete("gen-vm-image", "--image-o")).containsExactly("--image-output-path");
    assertThat(complete("configure-vm-image", "--accel", "")).containsExactly("auto", "kvm", "tcg");
    assertThat(complete("configure-vm-image", "--network", "n")).containsExactly("none");
  }

  /** Runs the generated script in a real bash, as bash runs it on TAB, and returns COMPREPLY. */
  private List<String> complete(String name, String... words) throws Exception {
    Path script = dir.resolve(name);
    Files.writeString(script, Completion.bash(command(name)));
    String line =
        "source \"$1\"; COMP_WORDS=("
            + name
            + " "
            + String.join(" ", java.util.Arrays.stream(words).map(w -> "'" + w + "'").toList())
            + "); COMP_CWORD="
            + words.length
            + "; "
            + Completion.bashFunction(name)
            + "; printf '%s\\n' \"${COMPREPLY[@]}\"";
    Process p =
        new ProcessBuilder("bash", "-c", line, "bash", script.toString())
            .redirectError(dir.resolve("stderr").toFile())
            .start();
    // stderr holds compopt's complaint that no real completion is running: expected here
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out.lines().filter(l -> !l.isEmpty()).toList();
  }
}
