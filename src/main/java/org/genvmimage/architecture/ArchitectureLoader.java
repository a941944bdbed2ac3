package org.genvmimage.architecture;

import static java.nio.charset.StandardCharsets.UTF_16BE;
import static java.nio.charset.StandardCharsets.UTF_16LE;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.genvmimage.core.Folders;
import org.genvmimage.core.IoErrors;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;

/**
 * Reads and validates an architecture file.
 *
 * <p>Every problem is reported on one line, {@code file:line:column: key.path: what is wrong (what
 * is expected)}, and all of a file's problems are reported together. The YAML is read with
 * snakeyaml-engine's defaults: JSON schema (so {@code 0755} and {@code yes} stay strings), at most
 * 50 aliases to mappings and sequences (a "billion laughs" file fails at once), one document. The
 * file must be UTF-8 (a UTF-16 file with a byte order mark is read too) and at most 3 MiB.
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
    String text = decode(label, read(file));
    Node root =
        compose(label, text)
            .orElseThrow(
                () -> failure(label + ":1:1: the file is empty (" + EXPECTED_ROOT + ")", null));
    return new ArchitectureValidator(label, Folders.of(file)).validate(file, root);
  }

  private static byte[] read(Path file) {
    String name = "architecture file '" + file + "'";
    if (Files.isDirectory(file)) {
      throw failure(name + " is a directory (expected a YAML file)", null);
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(MAX_BYTES + 1);
      if (bytes.length > MAX_BYTES) {
        throw failure(name + " is larger than 3 MiB (expected a small YAML file)", null);
      }
      return bytes;
    } catch (NoSuchFileException e) {
      throw failure(name + " not found", e);
    } catch (IOException e) {
      throw failure(name + " cannot be read: " + IoErrors.reason(e), e);
    }
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
    CharsetDecoder decoder =
        charset
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, start, bytes.length - start);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    String text = out.flip().toString();
    if (result.isError()) {
      throw failure(
          label
              + ":"
              + position(text, text.codePointCount(0, text.length()))
              + ": invalid "
              + charset.name()
              + " (byte 0x"
              + String.format("%02x", bytes[in.position()] & 0xff)
              + "; expected UTF-8 text)",
          null);
    }
    return text;
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
    LoadSettings settings = LoadSettings.builder().setLabel(label).build();
    try {
      return new Compose(settings).composeString(text);
    } catch (MarkedYamlEngineException e) {
      throw failure(describe(label, e), e);
    } catch (ReaderException e) {
      throw failure(
          label
              + ":"
              + position(text, e.getPosition())
              + ": "
              + e.getMessage()
              + String.format(" (U+%04X)", e.getCodePoint()),
          e);
    } catch (YamlEngineException e) {
      String message = ArchitectureValidator.oneLine(String.valueOf(e.getMessage()));
      if (message.contains("aliases")) {
        message += " (aliases are limited to guard against 'billion laughs' files)";
      }
      throw failure(label + ": " + message, e);
    }
  }

  /** {@code file:line:column: problem (context at line:column)}, from snakeyaml's parts. */
  private static String describe(String label, MarkedYamlEngineException e) {
    Optional<Mark> problemMark = e.getProblemMark();
    Optional<Mark> contextMark = e.getContextMark();
    String problem = e.getProblem() == null ? "" : e.getProblem().replaceFirst("^but ", "");
    String context = e.getContext() == null ? "" : e.getContext();
    StringBuilder line = new StringBuilder(label);
    problemMark.or(() -> contextMark).ifPresent(mark -> line.append(':').append(position(mark)));
    line.append(": ").append(problem.isEmpty() ? context : problem);
    if (!problem.isEmpty() && !context.isEmpty() && contextMark.isPresent()) {
      line.append(" (").append(context);
      contextMark
          .filter(mark -> problemMark.isEmpty() || mark.getIndex() != problemMark.get().getIndex())
          .ifPresent(mark -> line.append(" at ").append(position(mark)));
      line.append(')');
    }
    return ArchitectureValidator.oneLine(line.toString());
  }

  private static String position(Mark mark) {
    return (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
  }

  /** The {@code line:column} of the code point at {@code index} in {@code text}. */
  private static String position(String text, int index) {
    int offset = text.offsetByCodePoints(0, Math.min(index, text.codePointCount(0, text.length())));
    int lineStart = text.lastIndexOf('\n', offset - 1) + 1;
    long line = text.substring(0, offset).chars().filter(c -> c == '\n').count() + 1;
    return line + ":" + (text.codePointCount(lineStart, offset) + 1);
  }

  private static ArchitectureException failure(String problem, Throwable cause) {
    return new ArchitectureException(List.of(problem), cause);
  }
}
