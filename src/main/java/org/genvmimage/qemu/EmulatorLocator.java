package org.genvmimage.qemu;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Predicate;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.process.InstallHint;

/**
 * Finds the QEMU system emulator. An explicit choice wins: the {@code override} argument, else the
 * {@value #ENV} environment variable; either may be a path (containing {@code /}) or a name looked
 * up on the PATH. Otherwise the first executable of {@code qemu-kvm}, {@code kvm} and {@code
 * qemu-system-x86_64} on the PATH, then {@code /usr/libexec/qemu-kvm} (where RHEL, Rocky and Fedora
 * install it, off the PATH). Only executable regular files count, so a non-executable file of that
 * name (say a symbolic link to a bash-completion script) is skipped.
 */
public final class EmulatorLocator {
  /** The environment variable that names the emulator explicitly. */
  public static final String ENV = "GEN_VM_IMAGE_QEMU";

  /** The names searched for on the PATH, in order. */
  public static final List<String> NAMES = List.of("qemu-kvm", "kvm", "qemu-system-x86_64");

  /** Where RHEL-family distributions install the emulator, searched after the PATH. */
  public static final Path LIBEXEC = Path.of("/usr/libexec/qemu-kvm");

  /**
   * What to tell the user when the emulator is not installed: the package for this distribution.
   */
  public static final String MISSING_HINT =
      InstallHint.forThisSystem(InstallHint.Program.QEMU_SYSTEM);

  /** The message when no emulator is found. */
  public static final String NOT_FOUND =
      "no QEMU emulator found (looked for qemu-kvm, kvm, qemu-system-x86_64 on PATH and"
          + " /usr/libexec/qemu-kvm): "
          + MISSING_HINT;

  private final Map<String, String> env;
  private final Predicate<Path> executable;

  /**
   * @param env the environment (PATH and {@value #ENV} are read from it)
   * @param executable whether a path is an executable regular file
   */
  public EmulatorLocator(Map<String, String> env, Predicate<Path> executable) {
    this.env = Map.copyOf(env);
    this.executable = executable;
  }

  /** A locator for this process's environment and file system. */
  public static EmulatorLocator system() {
    return new EmulatorLocator(
        System.getenv(), p -> Files.isRegularFile(p) && Files.isExecutable(p));
  }

  /** The emulator, from {@value #ENV} or the search. */
  public Path locate() {
    return locate(null);
  }

  /**
   * The emulator: {@code override} when given (not null or blank), else {@value #ENV} when set,
   * else the first found by the search.
   *
   * @throws GenVmException TOOL_MISSING when the explicit choice is not an executable, or nothing
   *     is found
   */
  public Path locate(String override) {
    if (override != null && !override.isBlank()) {
      return explicit(override.strip(), "the QEMU emulator " + override.strip());
    }
    String configured = env.get(ENV);
    if (configured != null && !configured.isBlank()) {
      return explicit(configured.strip(), ENV + "=" + configured.strip());
    }
    for (String name : NAMES) {
      Optional<Path> found = onPath(name);
      if (found.isPresent()) {
        return found.get();
      }
    }
    if (executable.test(LIBEXEC)) {
      return LIBEXEC;
    }
    throw new GenVmException(ExitCode.TOOL_MISSING, NOT_FOUND);
  }

  private Path explicit(String choice, String what) {
    if (choice.contains("/")) {
      Path path = path(choice);
      if (path != null && executable.test(path)) {
        return path;
      }
      throw new GenVmException(
          ExitCode.TOOL_MISSING, what + " is not an executable file: " + MISSING_HINT);
    }
    return onPath(choice)
        .orElseThrow(
            () ->
                new GenVmException(
                    ExitCode.TOOL_MISSING, what + " is not on the PATH: " + MISSING_HINT));
  }

  /** The first executable {@code name} in the PATH's directories (empty entries are skipped). */
  private Optional<Path> onPath(String name) {
    String searchPath = env.getOrDefault("PATH", "");
    for (String dir : searchPath.split(File.pathSeparator)) {
      if (dir.isEmpty()) {
        continue;
      }
      Path directory = path(dir);
      if (directory == null) {
        continue;
      }
      Path candidate = directory.resolve(name);
      if (executable.test(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
  }

  private static Path path(String text) {
    try {
      return Path.of(text);
    } catch (InvalidPathException e) {
      return null;
    }
  }
}
