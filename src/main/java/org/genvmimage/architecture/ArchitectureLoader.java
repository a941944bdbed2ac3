package org.genvmimage.architecture;

import static java.nio.charset.StandardCharsets.UTF_16BE;
import static java.nio.charset.StandardCharsets.UTF_16LE;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.genvmimage.core.Folders;
import org.genvmimage.core.IoErrors;
import org.genvmimage.core.StrictText;
import org.genvmimage.yaml.YamlComposer;
import org.genvmimage.yaml.YamlSyntaxException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads and validates an architecture file.
 *
 * <p>Every problem is reported on one line, {@code file:line:column: key.path: what is wrong (what
 * is expected)}, and all of a file's problems are reported together; a problem with the file as a
 * whole (missing, a directory, too large, binary) is reported at {@code 1:1} or where the file goes
 * wrong, so every line has the same shape. The YAML is read by {@link YamlComposer}: JSON schema
 * (so {@code 0755} and {@code yes} stay strings), one document, at most 100 lists and mappings
 * nested in each other and 50 aliases to them (a "billion laughs" file fails at once), syntax
 * errors with a hint. The file must be UTF-8 (a UTF-16 file with a byte order mark is read too) and
 * at most 3 MiB.
 *
 * <p>Beyond the shape of the file: unknown keys are errors (with the nearest known key as a hint);
 * image keys are safe file names; {@code checksum.type} is a hashlib name in any case; {@code
 * checksum.value} is a hex digest of the type's length, or {@code file:} and where the sums file
 * is; {@code get_url} and sums files are {@code http(s)} URLs, {@code file:} URLs or local paths,
 * relative ones resolved against the architecture file's folder ({@code ~} is not expanded); {@code
 * size} is read by {@link DiskSize#parse} and must be a whole number of 512-byte sectors, which
 * {@code qemu-img} requires to resize a qcow2 image. Scalars are taken as written, so {@code
 * version: 9.10} is {@code "9.10"} and an all-digit hex value keeps its digits.
 */
public final class ArchitectureLoader {
  private static final int MAX_BYTES = 3 * 1024 * 1024;
  private static final String EXPECTED_ROOT = "expected a mapping with keys 'owner' and 'images'";

  private ArchitectureLoader() {}

  /**
   * Loads the architecture file at {@code file}; relative local paths in it are resolved against
   * its folder.
   *
   * @throws ArchitectureException listing every problem, when the file is missing, unreadable, not
   *     YAML or not a valid architecture
   */
  public static Architecture load(Path file) {
    String label = file.toString();
    String text = decode(label, read(label, file));
    Node root =
        compose(label, text)
            .orElseThrow(
                () -> failure(label + ":1:1: the file is empty (" + EXPECTED_ROOT + ")", null));
    return new ArchitectureValidator(label, Folders.of(file)).validate(file, root);
  }

  /** The file's bytes: at most 3 MiB, and text (no NUL byte) unless it is UTF-16. */
  private static byte[] read(String label, Path file) {
    if (Files.isDirectory(file)) {
      throw failure(label + ":1:1: is a directory (expected a YAML file)", null);
    }
    byte[] bytes;
    try (InputStream in = Files.newInputStream(file)) {
      bytes = in.readNBytes(MAX_BYTES + 1);
    } catch (NoSuchFileException e) {
      throw failure(label + ":1:1: architecture file not found", e);
    } catch (IOException e) {
      throw failure(label + ":1:1: cannot be read: " + IoErrors.reason(e), e);
    }
    if (bytes.length > MAX_BYTES) {
      throw failure(
          label
              + ":"
              + bytePosition(bytes, MAX_BYTES)
              + ": the file is larger than 3 MiB, and goes past the limit here (expected a small"
              + " YAML file)",
          null);
    }
    boolean utf16 = startsWith(bytes, 0xfe, 0xff) || startsWith(bytes, 0xff, 0xfe);
    for (int i = 0; i < bytes.length && !utf16; i++) {
      if (bytes[i] == 0) {
        throw failure(
            label
                + ":"
                + bytePosition(bytes, i)
                + ": a NUL byte: this is a binary file, not YAML text (expected an architecture"
                + " file)",
            null);
      }
    }
    return bytes;
  }

  /** The {@code line:column} of the byte at {@code index} of UTF-8 text. */
  private static String bytePosition(byte[] bytes, int index) {
    int line = 1;
    int column = 1;
    for (int i = 0; i < index; i++) {
      if (bytes[i] == '\n') {
        line++;
        column = 1;
      } else if ((bytes[i] & 0xc0) != 0x80) {
        column++;
      }
    }
    return line + ":" + column;
  }

  /** Decodes strictly, so a stray byte is reported at its line and column. */
  private static String decode(String label, byte[] bytes) {
    Charset charset = UTF_8;
    int start = 0;
    if (startsWith(bytes, 0xef, 0xbb, 0xbf)) {
      start = 3;
    } else if (startsWith(bytes, 0xfe, 0xff)) {
      charset = UTF_16BE;
      start = 2;
    } else if (startsWith(bytes, 0xff, 0xfe)) {
      charset = UTF_16LE;
      start = 2;
    }
    Charset found = charset;
    return StrictText.decode(
        bytes,
        start,
        charset,
        bad ->
            failure(
                label
                    + ":"
                    + bad.line()
                    + ":"
                    + bad.column()
                    + ": invalid "
                    + found.name()
                    + " (byte 0x"
                    + String.format("%02x", bad.value())
                    + "; expected UTF-8 text)",
                null));
  }

  private static boolean startsWith(byte[] bytes, int... prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((bytes[i] & 0xff) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static Optional<Node> compose(String label, String text) {
    try {
      return YamlComposer.compose(label, text, MAX_BYTES);
    } catch (YamlSyntaxException e) {
      throw failure(e.getMessage(), e);
    }
  }

  private static ArchitectureException failure(String problem, Throwable cause) {
    return new ArchitectureException(List.of(problem), cause);
  }
}
