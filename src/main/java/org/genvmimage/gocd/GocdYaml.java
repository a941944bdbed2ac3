package org.genvmimage.gocd;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.util.StringQuotingChecker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.regex.Pattern;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.FileSync;
import org.genvmimage.core.Folders;
import org.genvmimage.core.GenVmException;

/**
 * Writes a config tree as YAML for the GoCD plugin: block style, two-space indents, no document
 * marker, no line folding. A string is written plain only when it starts with a letter (or is an
 * option like {@code --image}) and holds nothing YAML could read otherwise; every other string is
 * double-quoted, so {@code 12}, {@code 0x1F}, {@code yes} and {@code {{SECRET:[id][key]}}} stay
 * strings under YAML 1.1 and 1.2 alike.
 */
public final class GocdYaml {
  private static final Pattern PLAIN =
      Pattern.compile("(?:[A-Za-z]|--[A-Za-z])[A-Za-z0-9_./@+=-]*(?: [A-Za-z0-9_./@+=-]+)*");

  private static final ObjectMapper MAPPER =
      new ObjectMapper(
          YAMLFactory.builder()
              .disable(YAMLGenerator.Feature.WRITE_DOC_START_MARKER)
              .disable(YAMLGenerator.Feature.SPLIT_LINES)
              .enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
              .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS)
              .enable(YAMLGenerator.Feature.INDENT_ARRAYS_WITH_INDICATOR)
              .stringQuotingChecker(new Quoting())
              .build());

  private GocdYaml() {}

  /** The tree as YAML text, ending with a newline. */
  public static String render(Map<String, Object> tree) {
    try {
      return MAPPER.writeValueAsString(tree);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the GoCD config as YAML", e);
    }
  }

  /**
   * Writes the text to {@code file} atomically: to a temporary file in the same folder, flushed,
   * then renamed over the file, so a reader sees the old or the new config, never a part.
   *
   * @throws GenVmException TOOL_FAILED when the file cannot be written
   */
  public static void write(Path file, String text) {
    Path absolute = file.toAbsolutePath();
    Path folder = Folders.of(absolute);
    Path temp = null;
    try {
      Files.createDirectories(folder);
      temp = Files.createTempFile(folder, "." + absolute.getFileName() + ".", ".tmp");
      permissions(temp, absolute);
      Files.write(temp, text.getBytes(UTF_8));
      FileSync.force(temp);
      FileSync.moveAtomically(temp, absolute);
      temp = null;
    } catch (IOException | UncheckedIOException e) {
      throw new GenVmException(
          ExitCode.TOOL_FAILED, "cannot write the GoCD config " + file + ": " + e, e);
    } finally {
      if (temp != null) {
        try {
          Files.deleteIfExists(temp);
        } catch (IOException ignored) {
          // the message above already tells what went wrong
        }
      }
    }
  }

  /** The permissions of the file being replaced, else rw-r--r-- (a temp file starts rw-------). */
  private static void permissions(Path temp, Path target) throws IOException {
    try {
      Files.setPosixFilePermissions(
          temp,
          Files.exists(target)
              ? Files.getPosixFilePermissions(target)
              : PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException notPosix) {
      // the file system has no such permissions; the defaults stand
    }
  }

  /** Plain only for strings that cannot be read as anything but that string. */
  private static final class Quoting extends StringQuotingChecker.Default {
    private static final long serialVersionUID = 1L;

    @Override
    public boolean needToQuoteName(String name) {
      return needToQuoteValue(name);
    }

    @Override
    public boolean needToQuoteValue(String value) {
      return !PLAIN.matcher(value).matches() || super.needToQuoteValue(value);
    }
  }
}
