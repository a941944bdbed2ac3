package org.genvmimage.configure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.process.CommandRunner;
import org.genvmimage.process.CommandSpec;
import org.genvmimage.process.InstallHint;

/**
 * Generalises an image with {@code virt-sysprep} (machine id, SSH host keys, logs, ...), through
 * libguestfs's direct backend; under TCG its appliance must use TCG too.
 */
public final class VirtSysprep implements ConfigureTools.Sysprep {
  /** The program, as found on the PATH. */
  static final String EXECUTABLE = "virt-sysprep";

  static final String MISSING_HINT = InstallHint.forThisSystem(InstallHint.Program.VIRT_SYSPREP);

  private final CommandRunner runner;
  private final String executable;

  public VirtSysprep(CommandRunner runner, String executable) {
    this.runner = runner;
    this.executable = executable;
  }

  /**
   * The operations as given to virt-sysprep: the requested ones (null or blank for its defaults)
   * without {@code customize}. With no customisation to run, that operation only ends by writing a
   * new {@code /etc/machine-id} and a random seed, both the same in every clone of the image, after
   * the {@code machine-id} operation has emptied it.
   */
  static String withoutCustomize(String requested) {
    return (requested == null || requested.isBlank() ? "defaults" : requested.strip())
        + ",-customize";
  }

  /** Whether {@code --reset-operations} names {@code customize} (or {@code all}) itself. */
  static boolean asksForCustomize(String requested) {
    if (requested == null) {
      return false;
    }
    for (String token : requested.split(",")) {
      String t = token.strip();
      if (t.equals("customize") || t.equals("all")) {
        return true;
      }
    }
    return false;
  }

  /**
   * The argument list: {@code virt-sysprep --format FMT -a IMAGE --operations OPS}, where OPS are
   * the requested operations {@link #withoutCustomize without customize}.
   */
  static List<String> command(String executable, Path image, String format, String operations) {
    List<String> command = new ArrayList<>(List.of(executable, "--format", format, "-a"));
    command.add(image.toAbsolutePath().toString());
    command.add("--operations");
    command.add(withoutCustomize(operations));
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

  /**
   * One of virt-sysprep's operations, as {@code --list-operations} prints it.
   *
   * @param enabledByDefault whether it runs when {@code --operations} is not given
   */
  record Operation(String name, boolean enabledByDefault) {}

  /** Parses {@code virt-sysprep --list-operations}: {@code name * description}, '*' = default. */
  static List<Operation> parseOperations(String listing) {
    List<Operation> operations = new ArrayList<>();
    for (String line : listing.split("\n")) {
      String[] parts = line.strip().split("\\s+", 3);
      if (parts.length >= 1 && !parts[0].isEmpty()) {
        operations.add(new Operation(parts[0], parts.length > 1 && parts[1].equals("*")));
      }
    }
    return operations;
  }

  /**
   * The operations that run for a {@code --operations} value, as virt-sysprep reads it: a comma
   * list of names, {@code defaults} and {@code all}, each name may be negated with '-'; null or
   * blank means the defaults.
   *
   * @throws GenVmException USAGE for a name virt-sysprep does not know
   */
  static List<String> resolve(String requested, List<Operation> known) {
    Set<String> result = new LinkedHashSet<>();
    if (requested == null || requested.isBlank()) {
      requested = "defaults";
    }
    Set<String> names = new LinkedHashSet<>();
    known.forEach(o -> names.add(o.name()));
    for (String token : requested.split(",")) {
      String item = token.strip();
      boolean remove = item.startsWith("-");
      String name = remove ? item.substring(1) : item;
      List<String> selected;
      if (name.equals("defaults")) {
        selected = known.stream().filter(Operation::enabledByDefault).map(Operation::name).toList();
      } else if (name.equals("all")) {
        selected = List.copyOf(names);
      } else if (names.contains(name)) {
        selected = List.of(name);
      } else if (name.isEmpty()) {
        continue;
      } else {
        throw new GenVmException(
            ExitCode.USAGE,
            "--reset-operations: virt-sysprep has no operation '"
                + name
                + "' (see virt-sysprep --list-operations)");
      }
      if (remove) {
        selected.forEach(result::remove);
      } else {
        result.addAll(selected);
      }
    }
    return known.stream().map(Operation::name).filter(result::contains).toList();
  }

  /**
   * The operations virt-sysprep would run for {@code requested} ({@code --reset-operations}, null
   * for its defaults; never {@code customize}), from its {@code --list-operations}; nothing is
   * touched.
   *
   * @throws GenVmException TOOL_MISSING when virt-sysprep is not installed, USAGE for an unknown
   *     operation
   */
  @Override
  public List<String> operations(String requested) {
    String listing =
        runner
            .run(
                CommandSpec.of(executable, "--list-operations")
                    .withTimeout(Duration.ofSeconds(60))
                    .withMissingHint(MISSING_HINT))
            .stdout();
    return resolve(withoutCustomize(requested), parseOperations(listing));
  }

  /** Runs virt-sysprep on the image; failures are TOOL_FAILED with its stderr tail. */
  public void reset(Path image, String format, String operations, boolean tcg, Duration timeout) {
    run(command(image, format, operations), environment(tcg), timeout);
  }

  @Override
  public List<String> command(Path image, String format, String operations) {
    return command(executable, image, format, operations);
  }

  /** Runs virt-sysprep as given; failures are TOOL_FAILED with its stderr tail. */
  @Override
  public void run(List<String> command, Map<String, String> environment, Duration timeout) {
    CommandSpec spec = CommandSpec.of(command).withTimeout(timeout).withMissingHint(MISSING_HINT);
    for (Map.Entry<String, String> e : environment.entrySet()) {
      spec = spec.withEnv(e.getKey(), e.getValue());
    }
    runner.run(spec);
  }
}
