package org.genvmimage.configure;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.genvmimage.cloudinit.SeedFile;
import org.genvmimage.console.Units;
import org.genvmimage.qemu.AcceleratorChoice;
import org.genvmimage.qemu.FirmwareChoice;
import org.genvmimage.qemu.ImageInfo;

/**
 * What a configure run would do ({@code --dry-run}), with the paths it would use.
 *
 * @param command the exact argument list of the QEMU run
 * @param seedSize the size of the seed image, in bytes
 * @param qmpSocket the QMP socket path, absolute
 * @param qmpSocketLinked whether that path is too long for a unix socket, so QEMU would listen in a
 *     private folder in /tmp and the path would be a link to it
 * @param firmware the guest's firmware and why it was chosen
 * @param firmwareVars the run's own copy of the UEFI variables store; null for BIOS
 * @param reset the reset; null with {@code --reset none}
 * @param commitTarget the file the configured image replaces
 */
public record ConfigurePlan(
    Path image,
    ImageInfo imageInfo,
    AcceleratorChoice acceleration,
    FirmwareChoice firmware,
    Path firmwareVars,
    Path emulator,
    List<String> command,
    Path seedOutput,
    long seedSize,
    List<SeedFile> seedFiles,
    List<String> seedWarnings,
    Path overlay,
    Path qmpSocket,
    boolean qmpSocketLinked,
    Path serialLog,
    Reset reset,
    Path commitTarget) {

  /**
   * The reset of a plan.
   *
   * @param mode {@code guest} (done by the guest as it powers off) or {@code virt-sysprep}
   * @param command virt-sysprep's argument list; empty for {@code guest}
   * @param environment the variables set for virt-sysprep
   * @param operations the operations it runs, in its order
   */
  public record Reset(
      String mode, List<String> command, Map<String, String> environment, List<String> operations) {
    public Reset {
      command = List.copyOf(command);
      environment = Collections.unmodifiableMap(new LinkedHashMap<>(environment));
      operations = List.copyOf(operations);
    }
  }

  private static final Pattern PLAIN_WORD = Pattern.compile("[A-Za-z0-9_@%+=:,./-]+");

  public ConfigurePlan {
    command = List.copyOf(command);
    seedFiles = List.copyOf(seedFiles);
    seedWarnings = List.copyOf(seedWarnings);
  }

  /** A seed file's content as text, or null when it is not UTF-8 (e.g. gzip user data). */
  public static String text(SeedFile file) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(file.content()))
          .toString();
    } catch (CharacterCodingException e) {
      return null;
    }
  }

  /** The plan as text for stdout, one item per line, the command one argument per line. */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add("dry run: nothing is written, nothing is started");
    lines.add(
        "image:        "
            + image
            + " ("
            + imageInfo.format()
            + ", virtual size "
            + Units.bytes(imageInfo.virtualSize())
            + ")");
    lines.add("accelerator:  " + acceleration.describe());
    lines.add("firmware:     " + firmware.describe());
    if (firmwareVars != null) {
      lines.add("  variables:  " + firmwareVars + " (this run's copy, removed after the run)");
    }
    lines.add("emulator:     " + emulator);
    lines.add(
        "seed:         "
            + seedOutput
            + " (ISO 9660, label cidata, "
            + Units.bytes(seedSize)
            + ", "
            + seedFiles.size()
            + (seedFiles.size() == 1 ? " file)" : " files)"));
    for (SeedFile file : seedFiles) {
      lines.add(
          "  "
              + file.name()
              + "  "
              + Units.bytes(file.size())
              + "  "
              + file.format()
              + "  from "
              + file.source());
      String text = text(file);
      if (text == null) {
        lines.add("    (binary, not shown)");
      } else {
        text.lines().forEach(line -> lines.add("    | " + line));
      }
    }
    lines.add("overlay:      " + overlay + " (qcow2 over the image, removed after the run)");
    lines.add(
        "qmp socket:   "
            + qmpSocket
            + (qmpSocketLinked
                ? " (too long for a unix socket: a link to a socket in a private folder in /tmp)"
                : ""));
    lines.add("serial log:   " + serialLog);
    lines.add("command:      " + quote(command.get(0)) + " \\");
    for (int i = 1; i < command.size(); i++) {
      String arg = quote(command.get(i));
      boolean pair =
          command.get(i).startsWith("-")
              && i + 1 < command.size()
              && !command.get(i + 1).startsWith("-");
      if (pair) {
        arg += " " + quote(command.get(++i));
      }
      lines.add("                " + arg + (i + 1 < command.size() ? " \\" : ""));
    }
    if (reset == null) {
      lines.add("reset:        none (--reset none)");
    } else if (reset.command().isEmpty()) {
      lines.add("reset:        in the guest, as it powers off (a script part added to user-data)");
      lines.add("  removes: " + String.join(", ", reset.operations()));
    } else {
      List<String> words = new ArrayList<>();
      reset.environment().forEach((k, v) -> words.add(k + "=" + quote(v)));
      reset.command().forEach(arg -> words.add(quote(arg)));
      lines.add("reset:        " + String.join(" ", words));
      lines.add(
          "  operations ("
              + reset.operations().size()
              + "): "
              + String.join(", ", reset.operations()));
    }
    lines.add("commit:       " + commitTarget + " (replaced in one atomic rename)");
    return lines;
  }

  /** An argument as a POSIX shell reads it back. */
  static String quote(String arg) {
    if (!arg.isEmpty() && PLAIN_WORD.matcher(arg).matches()) {
      return arg;
    }
    return "'" + arg.replace("'", "'\\''") + "'";
  }
}
