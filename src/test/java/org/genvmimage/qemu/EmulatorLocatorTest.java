package org.genvmimage.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class EmulatorLocatorTest {
  private static EmulatorLocator locator(String path, String env, String... executables) {
    Map<String, String> vars = new HashMap<>();
    if (path != null) {
      vars.put("PATH", path);
    }
    if (env != null) {
      vars.put(EmulatorLocator.ENV, env);
    }
    Set<Path> files =
        Set.of(java.util.Arrays.stream(executables).map(Path::of).toArray(Path[]::new));
    return new EmulatorLocator(vars, files::contains);
  }

  @ParameterizedTest(name = "[{index}] {1} on {0}")
  @CsvSource(
      delimiter = '|',
      value = {
        // PATH                | executables (space-separated)                       | expected
        "/usr/local/bin:/usr/bin | /usr/bin/qemu-system-x86_64 /usr/bin/kvm /usr/local/bin/qemu-kvm | /usr/local/bin/qemu-kvm",
        "/usr/local/bin:/usr/bin | /usr/bin/qemu-system-x86_64 /usr/bin/kvm                        | /usr/bin/kvm",
        "/usr/local/bin:/usr/bin | /usr/local/bin/qemu-system-x86_64 /usr/bin/qemu-system-x86_64  | /usr/local/bin/qemu-system-x86_64",
        "/usr/bin                | /usr/libexec/qemu-kvm /usr/bin/qemu-system-x86_64              | /usr/bin/qemu-system-x86_64",
        "/usr/bin                | /usr/libexec/qemu-kvm                                           | /usr/libexec/qemu-kvm",
        ":/opt/q::/usr/bin       | /opt/q/kvm /usr/bin/qemu-kvm                                    | /usr/bin/qemu-kvm",
      })
  void searchesTheNamesInOrderThenLibexec(String path, String executables, String expected) {
    assertThat(locator(path, null, executables.split(" ")).locate()).isEqualTo(Path.of(expected));
  }

  @Test
  void nothingFoundNamesWhereItLookedAndWhatToInstall() {
    GenVmException e =
        catchThrowableOfType(
            GenVmException.class,
            () -> locator("/usr/bin:/bin", null, "/usr/bin/qemu-img").locate());

    assertThat(e.exitCode()).isEqualTo(ExitCode.TOOL_MISSING.code());
    assertThat(e.getMessage())
        .isEqualTo(
            "no QEMU emulator found (looked for qemu-kvm, kvm, qemu-system-x86_64 on PATH and"
                + " /usr/libexec/qemu-kvm): "
                + EmulatorLocator.MISSING_HINT);
    assertThat(EmulatorLocator.MISSING_HINT).contains("GEN_VM_IMAGE_QEMU ");
  }

  @Test
  void noPathAtAllStillTriesLibexec() {
    assertThat(locator(null, null, "/usr/libexec/qemu-kvm").locate())
        .isEqualTo(EmulatorLocator.LIBEXEC);
  }

  @Test
  void theEnvironmentVariableWinsOverTheSearch() {
    EmulatorLocator l =
        locator(
            "/usr/bin",
            "/opt/qemu/bin/qemu-system-x86_64",
            "/usr/bin/qemu-kvm",
            "/opt/qemu/bin/qemu-system-x86_64");

    assertThat(l.locate()).isEqualTo(Path.of("/opt/qemu/bin/qemu-system-x86_64"));
  }

  @Test
  void theParameterWinsOverTheEnvironmentVariable() {
    EmulatorLocator l = locator("/usr/bin", "/opt/a", "/opt/a", "/opt/b", "/usr/bin/kvm");

    assertThat(l.locate("/opt/b")).isEqualTo(Path.of("/opt/b"));
    assertThat(l.locate("  ")).isEqualTo(Path.of("/opt/a"));
    assertThat(l.locate("kvm")).isEqualTo(Path.of("/usr/bin/kvm"));
  }

  @Test
  void aBareNameIsLookedUpOnThePath() {
    EmulatorLocator l = locator("/usr/bin:/sbin", "qemu-system-x86_64", "/sbin/qemu-system-x86_64");

    assertThat(l.locate()).isEqualTo(Path.of("/sbin/qemu-system-x86_64"));
  }

  @Test
  void anExplicitChoiceThatIsMissingFailsInsteadOfFallingBack() {
    EmulatorLocator l = locator("/usr/bin", "/opt/none/qemu", "/usr/bin/qemu-kvm");

    GenVmException e = catchThrowableOfType(GenVmException.class, l::locate);

    assertThat(e.exitCode()).isEqualTo(ExitCode.TOOL_MISSING.code());
    assertThat(e.getMessage())
        .startsWith("GEN_VM_IMAGE_QEMU=/opt/none/qemu is not an executable file: install");

    GenVmException byName =
        catchThrowableOfType(GenVmException.class, () -> l.locate("qemu-system-aarch64"));
    assertThat(byName.getMessage())
        .startsWith("the QEMU emulator qemu-system-aarch64 is not on the PATH: install");
  }

  @Test
  void theRealSearchFindsTheInstalledEmulator() {
    Path found = EmulatorLocator.system().locate();

    assertThat(found.getFileName().toString()).isIn("qemu-kvm", "kvm", "qemu-system-x86_64");
  }
}
