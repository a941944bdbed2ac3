package org.genvmimage.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.process.InstallHint;

/**
 * Finds the UEFI firmware (OVMF) that the distribution installed for QEMU.
 *
 * <p>First the QEMU firmware descriptors ({@code docs/interop/firmware.json} in QEMU): the {@code
 * *.json} files of {@code /usr/share/qemu/firmware} (and the {@code share/qemu/firmware} beside the
 * emulator's {@code bin}), {@code /etc/qemu/firmware} and {@code ~/.config/qemu/firmware}, where a
 * file overrides one of the same name in a folder before it and an empty file hides it; taken in
 * the order of their names, the first that fits wins. One fits when it is for {@code x86_64} on a
 * {@code pc} or {@code q35} machine, has the {@code uefi} interface, maps to split flash drives
 * (code and variables template) in raw or qcow2 format, both files exist, and it has none of the
 * features {@code secure-boot}, {@code enrolled-keys} and {@code requires-smm} (Secure Boot builds
 * need SMM, which only q35 has, and refuse unsigned boot loaders).
 *
 * <p>Then, for systems without descriptors, the paths that distributions use: Debian and Ubuntu
 * ({@code /usr/share/OVMF}), Fedora and RHEL ({@code /usr/share/edk2/ovmf}, raw or qcow2), Arch,
 * openSUSE, and the copy that QEMU itself installs.
 */
public final class UefiFirmwareLocator {
  /** Paths of non-Secure-Boot OVMF that distributions ship: code, variables template, format. */
  static final List<List<String>> KNOWN_PATHS =
      List.of(
          List.of("/usr/share/OVMF/OVMF_CODE_4M.fd", "/usr/share/OVMF/OVMF_VARS_4M.fd", "raw"),
          List.of("/usr/share/OVMF/OVMF_CODE.fd", "/usr/share/OVMF/OVMF_VARS.fd", "raw"),
          List.of(
              "/usr/share/edk2/ovmf/OVMF_CODE_4M.qcow2",
              "/usr/share/edk2/ovmf/OVMF_VARS_4M.qcow2",
              "qcow2"),
          List.of(
              "/usr/share/edk2/ovmf/OVMF_CODE_4M.fd",
              "/usr/share/edk2/ovmf/OVMF_VARS_4M.fd",
              "raw"),
          List.of("/usr/share/edk2/ovmf/OVMF_CODE.fd", "/usr/share/edk2/ovmf/OVMF_VARS.fd", "raw"),
          List.of(
              "/usr/share/edk2/x64/OVMF_CODE.4m.fd", "/usr/share/edk2/x64/OVMF_VARS.4m.fd", "raw"),
          List.of(
              "/usr/share/edk2-ovmf/x64/OVMF_CODE.fd",
              "/usr/share/edk2-ovmf/x64/OVMF_VARS.fd",
              "raw"),
          List.of(
              "/usr/share/qemu/ovmf-x86_64-code.bin",
              "/usr/share/qemu/ovmf-x86_64-vars.bin",
              "raw"),
          List.of(
              "/usr/share/qemu/edk2-x86_64-code.fd", "/usr/share/qemu/edk2-i386-vars.fd", "raw"));

  /** Features of firmware that a plain guest cannot use. */
  static final Set<String> UNWANTED_FEATURES =
      Set.of("secure-boot", "enrolled-keys", "requires-smm");

  private static final Set<String> FORMATS = Set.of("raw", "qcow2");
  private static final List<String> MACHINES = List.of("pc-i440fx-99.0", "pc-q35-99.0");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path root;
  private final List<Path> descriptorFolders;

  /**
   * A locator that reads absolute paths below {@code root} ({@code /} but in tests).
   *
   * @param descriptorFolders absolute, lowest priority first
   */
  UefiFirmwareLocator(Path root, List<Path> descriptorFolders) {
    this.root = root;
    this.descriptorFolders = List.copyOf(descriptorFolders);
  }

  /** The locator of this system, for the emulator that will run the firmware. */
  public static UefiFirmwareLocator system(Path emulator) {
    return new UefiFirmwareLocator(Path.of("/"), descriptorFolders(emulator));
  }

  /** Where descriptors are looked for, lowest priority first. */
  static List<Path> descriptorFolders(Path emulator) {
    Set<Path> folders = new LinkedHashSet<>();
    folders.add(Path.of("/usr/share/qemu/firmware"));
    try {
      Path bin = emulator.toRealPath().getParent();
      if (bin != null && bin.getParent() != null) {
        folders.add(bin.getParent().resolve("share/qemu/firmware"));
      }
    } catch (IOException | RuntimeException e) {
      // not found: the locator of the emulator reports that
    }
    folders.add(Path.of("/etc/qemu/firmware"));
    String config = System.getenv("XDG_CONFIG_HOME");
    Path user =
        config == null || config.isBlank()
            ? Path.of(System.getProperty("user.home"), ".config")
            : Path.of(config);
    folders.add(user.resolve("qemu/firmware"));
    return List.copyOf(folders);
  }

  /**
   * The firmware to use.
   *
   * @throws GenVmException TOOL_MISSING, naming the package to install, when there is none
   */
  public UefiFirmware locate() {
    return find()
        .orElseThrow(
            () ->
                new GenVmException(
                    ExitCode.TOOL_MISSING,
                    "no UEFI firmware (OVMF) for x86_64 without Secure Boot was found (QEMU"
                        + " firmware descriptors in "
                        + descriptorFolders
                        + ", and the paths distributions use, such as "
                        + KNOWN_PATHS.get(0).get(0)
                        + "): "
                        + InstallHint.forThisSystem(InstallHint.Program.OVMF)));
  }

  /** The firmware to use, or empty when none is installed. */
  public Optional<UefiFirmware> find() {
    for (Path descriptor : descriptors()) {
      Optional<UefiFirmware> found = fromDescriptor(descriptor);
      if (found.isPresent()) {
        return found;
      }
    }
    for (List<String> known : KNOWN_PATHS) {
      Path code = below(known.get(0));
      Path vars = below(known.get(1));
      if (Files.isRegularFile(code) && Files.isRegularFile(vars)) {
        return Optional.of(new UefiFirmware(code, known.get(2), vars, known.get(2), null));
      }
    }
    return Optional.empty();
  }

  /** The descriptors in the order they are tried: by file name, later folders overriding. */
  List<Path> descriptors() {
    TreeMap<String, Path> byName = new TreeMap<>();
    for (Path folder : descriptorFolders) {
      Path dir = below(folder.toString());
      if (!Files.isDirectory(dir)) {
        continue;
      }
      try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.json")) {
        for (Path file : files) {
          byName.put(file.getFileName().toString(), file);
        }
      } catch (IOException e) {
        // an unreadable folder holds nothing we can use
      }
    }
    List<Path> ordered = new ArrayList<>();
    for (Path file : byName.values()) {
      try {
        if (Files.size(file) > 0) {
          ordered.add(file);
        }
      } catch (IOException e) {
        // gone or unreadable: skipped
      }
    }
    return ordered;
  }

  /** The firmware a descriptor names, when it fits (see the class comment). */
  Optional<UefiFirmware> fromDescriptor(Path descriptor) {
    JsonNode doc;
    try {
      doc = JSON.readTree(descriptor.toFile());
    } catch (IOException | RuntimeException e) {
      return Optional.empty(); // not a descriptor QEMU could use either
    }
    if (doc == null || !contains(doc.path("interface-types"), "uefi")) {
      return Optional.empty();
    }
    for (JsonNode feature : doc.path("features")) {
      if (UNWANTED_FEATURES.contains(feature.asText())) {
        return Optional.empty();
      }
    }
    if (!forThisMachine(doc.path("targets"))) {
      return Optional.empty();
    }
    JsonNode mapping = doc.path("mapping");
    if (!"flash".equals(mapping.path("device").asText())
        || !"split".equals(mapping.path("mode").asText("split"))) {
      return Optional.empty();
    }
    JsonNode code = mapping.path("executable");
    JsonNode vars = mapping.path("nvram-template");
    String codeFormat = code.path("format").asText("raw");
    String varsFormat = vars.path("format").asText("raw");
    if (!code.hasNonNull("filename")
        || !vars.hasNonNull("filename")
        || !FORMATS.contains(codeFormat)
        || !FORMATS.contains(varsFormat)) {
      return Optional.empty();
    }
    Path codeFile = below(code.get("filename").asText());
    Path varsFile = below(vars.get("filename").asText());
    if (!Files.isRegularFile(codeFile) || !Files.isRegularFile(varsFile)) {
      return Optional.empty();
    }
    return Optional.of(new UefiFirmware(codeFile, codeFormat, varsFile, varsFormat, descriptor));
  }

  /** Whether a target is x86_64 on a pc (i440fx) or q35 machine. */
  private static boolean forThisMachine(JsonNode targets) {
    for (JsonNode target : targets) {
      if (!"x86_64".equals(target.path("architecture").asText())) {
        continue;
      }
      for (JsonNode machine : target.path("machines")) {
        Pattern glob = glob(machine.asText());
        if (MACHINES.stream().anyMatch(m -> glob.matcher(m).matches())) {
          return true;
        }
      }
    }
    return false;
  }

  /** A descriptor's machine glob ({@code pc-q35-*}) as a pattern. */
  static Pattern glob(String glob) {
    StringBuilder regex = new StringBuilder();
    String[] parts = glob.split("\\*", -1);
    for (int i = 0; i < parts.length; i++) {
      if (i > 0) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(parts[i]));
    }
    return Pattern.compile(regex.toString());
  }

  private static boolean contains(JsonNode array, String value) {
    for (JsonNode item : array) {
      if (value.equals(item.asText())) {
        return true;
      }
    }
    return false;
  }

  /** An absolute path of the system, below the root (itself when the root is {@code /}). */
  private Path below(String absolute) {
    String relative = absolute.replaceFirst("^/+", "");
    return relative.isEmpty() ? root : root.resolve(relative);
  }
}
