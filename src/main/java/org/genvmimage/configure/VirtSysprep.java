package org.genvmimage.configure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.genvmimage.process.CommandRunner;
import org.genvmimage.process.CommandSpec;
import org.genvmimage.process.InstallHint;

/**
 * Generalises an image with {@code virt-sysprep} (machine id, SSH host keys, logs, ...), through
 * libguestfs's direct backend; under TCG its appliance must use TCG too.
 */
public final class VirtSysprep {
  static final String MISSING_HINT = InstallHint.forThisSystem(InstallHint.Program.VIRT_SYSPREP);

  private final CommandRunner runner;
  private final String executable;

  public VirtSysprep(CommandRunner runner, String executable) {
    this.runner = runner;
    this.executable = executable;
  }

  /** The argument list: {@code virt-sysprep --format FMT -a IMAGE [--operations OPS]}. */
  static List<String> command(String executable, Path image, String format, String operations) {
    List<String> command = new ArrayList<>(List.of(executable, "--format", format, "-a"));
    command.add(image.toAbsolutePath().toString());
    if (operations != null && !operations.isBlank()) {
      command.add("--operations");
      command.add(operations);
    }
    return command;
  }

  /** The environment: libguestfs's direct backend, forced to TCG when KVM is not used. */
  static Map<String, String> environment(boolean tcg) {
    Map<String, String> env = new LinkedHashMap<>();
    env.put("LIBGUESTFS_BACKEND", "direct");
    if (tcg) {
      env.put("LIBGUESTFS_BACKEND_SETTINGS", "force_tcg");
    }
    return env;
  }

  /** Runs virt-sysprep on the image; failures are TOOL_FAILED with its stderr tail. */
  public void reset(Path image, String format, String operations, boolean tcg, Duration timeout) {
    CommandSpec spec =
        CommandSpec.of(command(executable, image, format, operations))
            .withTimeout(timeout)
            .withMissingHint(MISSING_HINT);
    for (Map.Entry<String, String> e : environment(tcg).entrySet()) {
      spec = spec.withEnv(e.getKey(), e.getValue());
    }
    runner.run(spec);
  }
}
