package org.genvmimage.cloudinit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs the ISO tools that tests check images with: isoinfo and isovfy (package genisoimage) and
 * blkid. A missing tool fails the test; it is never skipped.
 */
final class IsoTools {
  private IsoTools() {}

  /** Runs the command and returns its stdout as bytes; fails on a non-zero exit. */
  static byte[] runBytes(Path scratch, String... command) throws IOException, InterruptedException {
    Path out = Files.createTempFile(scratch, "stdout", ".bin");
    Path err = Files.createTempFile(scratch, "stderr", ".txt");
    Process process;
    try {
      process =
          new ProcessBuilder(command)
              .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
              .redirectOutput(out.toFile())
              .redirectError(err.toFile())
              .start();
    } catch (IOException e) {
      return fail(
          command[0]
              + " is not installed; the ISO tests need it (Debian/Ubuntu: apt-get install"
              + " genisoimage util-linux)",
          e);
    }
    if (!process.waitFor(60, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      fail(String.join(" ", command) + " did not finish in 60 s");
    }
    if (process.exitValue() != 0) {
      fail(
          String.join(" ", command)
              + " exited with "
              + process.exitValue()
              + ": "
              + Files.readString(err, UTF_8));
    }
    byte[] bytes = Files.readAllBytes(out);
    Files.delete(out);
    Files.delete(err);
    return bytes;
  }

  static String run(Path scratch, String... command) throws IOException, InterruptedException {
    return new String(runBytes(scratch, command), UTF_8);
  }

  /** The paths {@code isoinfo -f} lists, from the Joliet tree or the ISO 9660 tree. */
  static List<String> list(Path scratch, Path iso, boolean joliet)
      throws IOException, InterruptedException {
    String out =
        joliet
            ? run(scratch, "isoinfo", "-J", "-f", "-i", iso.toString())
            : run(scratch, "isoinfo", "-f", "-i", iso.toString());
    return out.lines().filter(line -> !line.isBlank()).toList();
  }

  /** A file's bytes as {@code isoinfo -J -x} extracts them. */
  static byte[] extract(Path scratch, Path iso, String jolietPath)
      throws IOException, InterruptedException {
    return runBytes(scratch, "isoinfo", "-J", "-x", jolietPath, "-i", iso.toString());
  }
}
