package org.genvmimage.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

/** Small real disk images for tests, made with the real qemu-img. */
public final class TestImages {
  private TestImages() {}

  /** A raw disk of {@code size} bytes: random data with an MBR boot signature. */
  public static Path raw(Path dir, String name, int size, long seed) throws IOException {
    byte[] data = new byte[size];
    new Random(seed).nextBytes(data);
    data[510] = 0x55;
    data[511] = (byte) 0xAA;
    Path file = dir.resolve(name);
    Files.write(file, data);
    return file;
  }

  /**
   * A raw disk of {@code size} bytes that compresses well, as the files of an installed system do:
   * a first MiB of zeros but an MBR boot signature (as a partitioned disk starts), then numbered
   * lines of text.
   */
  public static Path text(Path dir, String name, int size) throws IOException {
    byte[] data = new byte[size];
    int start = Math.min(size, 1 << 20);
    StringBuilder text = new StringBuilder();
    for (int line = 0; text.length() < size - start; line++) {
      text.append(line).append(": the quick brown fox jumps over the lazy dog\n");
    }
    byte[] bytes = text.toString().getBytes(StandardCharsets.US_ASCII);
    System.arraycopy(bytes, 0, data, start, size - start);
    data[510] = 0x55;
    data[511] = (byte) 0xAA;
    Path file = dir.resolve(name);
    Files.write(file, data);
    return file;
  }

  /**
   * A stand-in for a qemu-img built without zstd (as QEMU before 5.1, or a build without libzstd,
   * is): a script that runs the real qemu-img, but refuses {@code compression_type=zstd} with the
   * error that qemu-img gives for a compression type it does not have.
   */
  public static Path qemuImgWithoutZstd(Path dir) throws IOException {
    Path script = dir.resolve("qemu-img-without-zstd");
    Files.writeString(
        script,
        """
        #!/bin/sh
        image=
        for arg in "$@"; do
          case "$arg" in *.qcow2) image="$arg" ;; esac
        done
        for arg in "$@"; do
          case "$arg" in
            *compression_type=zstd*)
              echo "qemu-img: $image: Parameter 'compression-type' does not accept value 'zstd'" >&2
              exit 1 ;;
          esac
        done
        exec qemu-img "$@"
        """);
    Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwx------"));
    return script;
  }

  /** A qcow2 image (compat 1.1 or 0.10) holding the content of a random raw disk. */
  public static Path qcow2(Path dir, String name, int size, long seed, String compat)
      throws IOException {
    Path raw = raw(dir, name + ".src.raw", size, seed);
    return rawToQcow2(raw, dir.resolve(name), compat);
  }

  /** Converts a raw file to qcow2 with the given compat level, then deletes the raw file. */
  public static Path rawToQcow2(Path raw, Path qcow2, String compat) throws IOException {
    run(
        "qemu-img",
        "convert",
        "-f",
        "raw",
        "-O",
        "qcow2",
        "-o",
        "compat=" + compat,
        raw.toString(),
        qcow2.toString());
    Files.delete(raw);
    return qcow2;
  }

  /** {@code qemu-img info --output=json} of a file. */
  public static JsonNode info(Path file) throws IOException {
    return new ObjectMapper().readTree(run("qemu-img", "info", "--output=json", file.toString()));
  }

  /** Runs a command, failing on a non-zero exit; returns its stdout. */
  public static String run(String... command) throws IOException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    try {
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
        throw new IOException(String.join(" ", command) + " failed: " + out);
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** Every file below a folder, relative, sorted (for "nothing else was left" checks). */
  public static List<String> listFiles(Path dir) throws IOException {
    List<String> files = new ArrayList<>();
    if (Files.isDirectory(dir)) {
      try (var s = Files.walk(dir)) {
        s.filter(Files::isRegularFile).forEach(f -> files.add(dir.relativize(f).toString()));
      }
    }
    files.sort(null);
    return files;
  }
}
