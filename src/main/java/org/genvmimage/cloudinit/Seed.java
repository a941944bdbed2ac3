package org.genvmimage.cloudinit;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.genvmimage.console.Units;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.FileSync;
import org.genvmimage.core.Folders;
import org.genvmimage.core.GenVmException;
import org.genvmimage.core.IoErrors;

/**
 * A checked cloud-init NoCloud seed (made by {@link SeedBuilder}): its files, the warnings found
 * while checking them, and the ISO image that carries them to the guest.
 */
public final class Seed {
  private final String volumeLabel;
  private final List<SeedFile> files;
  private final List<String> warnings;

  Seed(String volumeLabel, List<SeedFile> files, List<String> warnings) {
    this.volumeLabel = volumeLabel;
    this.files = files.stream().sorted(Comparator.comparing(SeedFile::name)).toList();
    this.warnings = List.copyOf(warnings);
  }

  /** The files, by name. */
  public List<SeedFile> files() {
    return files;
  }

  /**
   * This seed with the user-data file's content replaced (e.g. by {@link UserDataParts} with a part
   * added), its source kept and its format shown as {@code format}.
   */
  public Seed withUserData(byte[] content, String format) {
    List<SeedFile> replaced =
        files.stream()
            .map(
                f ->
                    f.name().equals("user-data")
                        ? new SeedFile(f.name(), f.source(), format, content)
                        : f)
            .toList();
    return new Seed(volumeLabel, replaced, warnings);
  }

  /** The user-data file's content. */
  public byte[] userData() {
    return files.stream()
        .filter(f -> f.name().equals("user-data"))
        .findFirst()
        .map(SeedFile::content)
        .orElse(new byte[0]);
  }

  /** Things that are legal but probably not meant, one line each, naming the file. */
  public List<String> warnings() {
    return warnings;
  }

  /** The ISO volume label, {@value SeedBuilder#VOLUME_LABEL}. */
  public String volumeLabel() {
    return volumeLabel;
  }

  /** The size of the seed image in bytes. */
  public long imageSize() {
    return IsoWriter.imageSize(isoFiles());
  }

  /**
   * What the seed holds, for a dry run: a heading line, then one line per file with its name, size,
   * format and source, e.g. {@code user-data 1.2 KiB #cloud-config cloud-init-config/user-data}.
   */
  public List<String> describe() {
    List<String> lines = new ArrayList<>();
    lines.add(
        "cloud-init seed: ISO 9660 with Joliet names, volume label '"
            + volumeLabel
            + "', "
            + Units.bytes(imageSize()));
    for (SeedFile file : files) {
      lines.add(
          String.format(
              "  %-15s %10s  %-22s %s",
              file.name(), Units.bytes(file.size()), file.format(), file.source()));
    }
    return lines;
  }

  /** Writes the seed image to {@code out} (which stays open). */
  public void writeTo(OutputStream out) throws IOException {
    IsoWriter.write(volumeLabel, isoFiles(), out);
  }

  /**
   * Writes the seed image to {@code output}, creating its folder: to a temporary file beside it
   * first, renamed into place once complete, so {@code output} is either the old file or the whole
   * new one. The image holds the user data, which may carry secrets, so it is readable by its owner
   * only.
   *
   * @throws GenVmException exit code 3 when the output is a folder or its folder cannot be made;
   *     exit code 6 when writing fails
   */
  public void write(Path output) {
    if (Files.isDirectory(output, LinkOption.NOFOLLOW_LINKS)) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT, output + ": is a folder; the seed output must be a file path");
    }
    Path dir = Folders.of(output);
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT,
          dir + ": cannot create the seed's folder: " + IoErrors.reason(e),
          e);
    }
    Path temp = null;
    try {
      temp = Files.createTempFile(dir, "." + output.getFileName() + ".", ".tmp");
      try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        OutputStream out = new BufferedOutputStream(Channels.newOutputStream(channel), 1 << 16);
        writeTo(out);
        out.flush();
        channel.force(true);
      }
      FileSync.moveAtomically(temp, output);
      temp = null;
    } catch (IOException e) {
      throw new GenVmException(
          ExitCode.TOOL_FAILED, output + ": cannot write the seed image: " + IoErrors.reason(e), e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // best effort: a leftover temporary file is harmless
        }
      }
    }
  }

  private List<IsoFile> isoFiles() {
    return files.stream().map(SeedFile::file).toList();
  }
}
