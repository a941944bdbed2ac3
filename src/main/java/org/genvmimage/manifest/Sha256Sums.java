package org.genvmimage.manifest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The content of a {@value #FILE_NAME} file in GNU {@code sha256sum} format: one line per file,
 * {@code <64 hex digits> <name>} (or {@code *<name>} for binary mode, read as the same), names
 * relative to the file's folder. A name with a backslash, newline or carriage return is written as
 * GNU coreutils writes it: the line starts with {@code \} and those characters are escaped ({@code
 * \\}, {@code \n}, {@code \r}).
 *
 * <p>Lines are rendered sorted by name (Java string order, the byte order for ASCII names), so the
 * same files always give the same manifest, whichever run or architecture file wrote them. Lines
 * that are not in that format (comments, BSD-style tagged lines, another digest's length) are kept
 * verbatim after the sorted ones.
 */
public final class Sha256Sums {
  /** The manifest's file name in each output folder. */
  public static final String FILE_NAME = "SHA256SUMS";

  private static final Pattern LINE = Pattern.compile("(\\\\?)([0-9a-fA-F]{64}) [ *](.+)");

  private final TreeMap<String, String> entries = new TreeMap<>();
  private final List<String> otherLines = new ArrayList<>();

  /** An empty manifest. */
  public Sha256Sums() {}

  /** The manifest of a folder; empty when it has none. */
  public static Sha256Sums read(Path file) throws IOException {
    try {
      return parse(Files.readString(file, StandardCharsets.UTF_8));
    } catch (NoSuchFileException e) {
      return new Sha256Sums();
    }
  }

  /** Parses a manifest's text; a later line for the same name wins, as it would for a reader. */
  public static Sha256Sums parse(String text) {
    Sha256Sums sums = new Sha256Sums();
    for (String line : text.split("\n", -1)) {
      if (line.isBlank()) {
        continue;
      }
      Matcher m = LINE.matcher(line);
      String name = m.matches() ? unescape(m.group(3), !m.group(1).isEmpty()) : null;
      if (name == null) {
        sums.otherLines.add(line);
      } else {
        sums.entries.put(name, m.group(2).toLowerCase(java.util.Locale.ROOT));
      }
    }
    return sums;
  }

  /** The digest listed for a name (lower-case hex), if any. */
  public Optional<String> get(String name) {
    return Optional.ofNullable(entries.get(name));
  }

  /** Lists (or relists) a name with its digest. */
  public void put(String name, String sha256Hex) {
    entries.put(name, sha256Hex.toLowerCase(java.util.Locale.ROOT));
  }

  /** Removes a name's line, if any. */
  public void remove(String name) {
    entries.remove(name);
  }

  /** Every listed name and digest, sorted by name. */
  public Map<String, String> entries() {
    return java.util.Collections.unmodifiableSortedMap(entries);
  }

  /** Whether the manifest has no line at all. */
  public boolean isEmpty() {
    return entries.isEmpty() && otherLines.isEmpty();
  }

  /**
   * The file's text: the sorted lines, then the lines kept verbatim, each ending with a newline.
   */
  public String render() {
    StringBuilder text = new StringBuilder();
    entries.forEach((name, hex) -> text.append(line(name, hex)).append('\n'));
    otherLines.forEach(line -> text.append(line).append('\n'));
    return text.toString();
  }

  /** One line as GNU sha256sum writes it (text mode, two spaces). */
  static String line(String name, String hex) {
    boolean escape = name.indexOf('\\') >= 0 || name.indexOf('\n') >= 0 || name.indexOf('\r') >= 0;
    if (!escape) {
      return hex + "  " + name;
    }
    String escaped = name.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r");
    return "\\" + hex + "  " + escaped;
  }

  /** A name as written in a line; null when its escapes are not valid. */
  private static String unescape(String written, boolean escaped) {
    if (!escaped) {
      return written;
    }
    StringBuilder name = new StringBuilder();
    for (int i = 0; i < written.length(); i++) {
      char c = written.charAt(i);
      if (c != '\\') {
        name.append(c);
        continue;
      }
      if (++i == written.length()) {
        return null;
      }
      switch (written.charAt(i)) {
        case '\\' -> name.append('\\');
        case 'n' -> name.append('\n');
        case 'r' -> name.append('\r');
        default -> {
          return null;
        }
      }
    }
    return name.toString();
  }
}
