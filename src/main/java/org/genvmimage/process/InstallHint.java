package org.genvmimage.process;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * What to tell the user when an external program is missing: the package to install, with the
 * command for the running distribution (read from {@code /etc/os-release}: {@code ID}, then {@code
 * ID_LIKE}), the dependency script of the source tree where there is one, and the environment
 * variable that names another program.
 */
public final class InstallHint {
  private InstallHint() {}

  /** The external programs the commands run. */
  public enum Program {
    QEMU_IMG(
        "GEN_VM_IMAGE_QEMU_IMG",
        null,
        Map.of(
            Family.DEBIAN, "qemu-utils",
            Family.FEDORA, "qemu-img",
            Family.RHEL, "qemu-img",
            Family.SUSE, "qemu-tools",
            Family.ARCH, "qemu-img",
            Family.ALPINE, "qemu-img")),
    QEMU_SYSTEM(
        "GEN_VM_IMAGE_QEMU",
        null,
        Map.of(
            Family.DEBIAN, "qemu-system-x86",
            Family.FEDORA, "qemu-system-x86",
            Family.RHEL, "qemu-kvm",
            Family.SUSE, "qemu-x86",
            Family.ARCH, "qemu-system-x86",
            Family.ALPINE, "qemu-system-x86_64")),
    VIRT_SYSPREP(
        null,
        "use --reset guest (the default), which needs no virt-sysprep",
        Map.of(
            Family.DEBIAN, "libguestfs-tools",
            Family.FEDORA, "guestfs-tools",
            Family.RHEL, "guestfs-tools",
            Family.SUSE, "guestfs-tools",
            Family.ARCH, "guestfs-tools")),
    OVMF(
        null,
        "pass --firmware bios when the image also boots with BIOS",
        Map.of(
            Family.DEBIAN, "ovmf",
            Family.FEDORA, "edk2-ovmf",
            Family.RHEL, "edk2-ovmf",
            Family.SUSE, "qemu-ovmf-x86_64",
            Family.ARCH, "edk2-ovmf",
            Family.ALPINE, "ovmf"));

    final String env;
    final String otherwise;
    final Map<Family, String> packages;

    Program(String env, String otherwise, Map<Family, String> packages) {
      this.env = env;
      this.otherwise = otherwise;
      this.packages = packages;
    }
  }

  /** Families of distributions that share a package manager and package names. */
  enum Family {
    DEBIAN("apt-get install", "dep/debian.sh"),
    FEDORA("dnf install", "dep/rhel.sh"),
    RHEL("dnf install", "dep/rhel.sh"),
    SUSE("zypper install", null),
    ARCH("pacman -S", null),
    ALPINE("apk add", null);

    final String install;
    final String script;

    Family(String install, String script) {
      this.install = install;
      this.script = script;
    }

    static Family of(String id) {
      return switch (id) {
        case "debian", "ubuntu" -> DEBIAN;
        case "fedora" -> FEDORA;
        case "rhel", "centos", "rocky", "almalinux", "ol", "amzn" -> RHEL;
        case "suse", "sles" -> SUSE;
        case "arch" -> ARCH;
        case "alpine" -> ALPINE;
        default -> id.startsWith("opensuse") ? SUSE : null;
      };
    }
  }

  /**
   * The hint for a program on the system that {@code osRelease} (the text of os-release, or null
   * when there is none) describes, e.g. "install it with 'apt-get install qemu-utils'
   * (dep/debian.sh in the source tree installs every dependency), or set GEN_VM_IMAGE_QEMU_IMG to
   * the program".
   */
  public static String of(Program program, String osRelease) {
    Family family = family(osRelease);
    String pkg = family == null ? null : program.packages.get(family);
    List<String> ways = new ArrayList<>();
    if (pkg != null) {
      String way = "install it with '" + family.install + " " + pkg + "'";
      if (family.script != null) {
        way += " (" + family.script + " in the source tree installs every dependency)";
      }
      ways.add(way);
    } else {
      ways.add(
          "install the package that provides it ("
              + program.packages.get(Family.DEBIAN)
              + " on Debian and Ubuntu, "
              + program.packages.get(Family.RHEL)
              + " on Fedora and RHEL)");
    }
    if (program.env != null) {
      ways.add("set " + program.env + " to the program to run");
    }
    if (program.otherwise != null) {
      ways.add(program.otherwise);
    }
    String last = ways.remove(ways.size() - 1);
    return ways.isEmpty() ? last : String.join(", ", ways) + ", or " + last;
  }

  /** The hint for a program on this machine (its /etc/os-release, else /usr/lib/os-release). */
  public static String forThisSystem(Program program) {
    return of(program, SystemRelease.TEXT);
  }

  /** The family from ID, else the first ID_LIKE entry that is known; null when none is. */
  static Family family(String osRelease) {
    if (osRelease == null) {
      return null;
    }
    List<String> ids = new ArrayList<>();
    String idLike = "";
    for (String line : osRelease.split("\n")) {
      int eq = line.indexOf('=');
      if (eq <= 0 || line.startsWith("#")) {
        continue;
      }
      String key = line.substring(0, eq).strip();
      String value = unquote(line.substring(eq + 1).strip()).toLowerCase(Locale.ROOT);
      if (key.equals("ID")) {
        ids.add(0, value);
      } else if (key.equals("ID_LIKE")) {
        idLike = value;
      }
    }
    for (String id : idLike.split("\\s+")) {
      if (!id.isEmpty()) {
        ids.add(id);
      }
    }
    for (String id : ids) {
      Family f = Family.of(id);
      if (f != null) {
        return f;
      }
    }
    return null;
  }

  private static String unquote(String value) {
    if (value.length() >= 2
        && (value.startsWith("\"") && value.endsWith("\"")
            || value.startsWith("'") && value.endsWith("'"))) {
      return value.substring(1, value.length() - 1);
    }
    return value;
  }

  /** This machine's os-release, read once. */
  private static final class SystemRelease {
    static final String TEXT = read();

    private static String read() {
      for (String name : List.of("/etc/os-release", "/usr/lib/os-release")) {
        try {
          return Files.readString(Path.of(name));
        } catch (IOException | RuntimeException e) {
          // try the next one; no os-release gives the generic hint
        }
      }
      return null;
    }
  }
}
