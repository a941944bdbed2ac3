package org.genvmimage.configure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.process.CommandSpec;
import org.genvmimage.process.ProcessResult;
import org.genvmimage.process.ProcessRunner;
import org.junit.jupiter.api.Test;

class VirtSysprepTest {
  @Test
  void commandNamesTheFormatTheImageAndTheOperations() {
    assertThat(VirtSysprep.command("virt-sysprep", Path.of("/i/o.qcow2"), "qcow2", null))
        .containsExactly("virt-sysprep", "--format", "qcow2", "-a", "/i/o.qcow2");
    assertThat(
            VirtSysprep.command(
                "virt-sysprep", Path.of("/i/o.qcow2"), "qcow2", "defaults,-ssh-userdir"))
        .containsExactly(
            "virt-sysprep",
            "--format",
            "qcow2",
            "-a",
            "/i/o.qcow2",
            "--operations",
            "defaults,-ssh-userdir");
  }

  @Test
  void environmentUsesTheDirectBackendAndTcgWhenTheVmDid() {
    assertThat(VirtSysprep.environment(false))
        .containsExactly(java.util.Map.entry("LIBGUESTFS_BACKEND", "direct"));
    assertThat(VirtSysprep.environment(true))
        .containsEntry("LIBGUESTFS_BACKEND", "direct")
        .containsEntry("LIBGUESTFS_BACKEND_SETTINGS", "force_tcg");
  }

  @Test
  void theRunnerGetsTheEnvironmentAndTimeout() {
    List<CommandSpec> seen = new ArrayList<>();
    new VirtSysprep(
            spec -> {
              seen.add(spec);
              return new ProcessResult(spec.command(), 0, "", "", Duration.ZERO);
            },
            "virt-sysprep")
        .reset(Path.of("/i/o.qcow2"), "qcow2", null, true, Duration.ofMinutes(5));
    assertThat(seen).hasSize(1);
    assertThat(seen.get(0).env()).containsEntry("LIBGUESTFS_BACKEND_SETTINGS", "force_tcg");
    assertThat(seen.get(0).timeout()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void aMissingVirtSysprepSaysWhatToInstallOrSkip() {
    GenVmException e =
        catchThrowableOfType(
            GenVmException.class,
            () ->
                new VirtSysprep(new ProcessRunner(), "/nonexistent/virt-sysprep")
                    .reset(Path.of("/i/o.qcow2"), "qcow2", null, true, Duration.ofSeconds(10)));
    assertThat(e.exitCode()).isEqualTo(ExitCode.TOOL_MISSING);
    assertThat(e.getMessage()).contains("libguestfs-tools").contains("--no-reset");
  }
}
