package org.genvmimage.download;

import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Finds a file's digest in a sums file, as the distributions publish them next to their images.
 * Understands GNU coreutils lines ({@code <hex> name}, {@code <hex> *name}, and the
 * backslash-escaped form) and BSD/tagged lines ({@code SHA256 (name) = <hex>}) as in Rocky's and
 * Fedora's {@code CHECKSUM}. Comment lines, blank lines, an OpenPGP clear-signed wrapper and any
 * other line are ignored.
 */
public final class SumsFile {
  private static final Pattern GNU = Pattern.compile("([0-9A-Fa-f]+) [ *]?(.+)");
  private static final Pattern BSD =
      Pattern.compile("([A-Za-z][A-Za-z0-9_/-]*) ?\\((.+)\\) ?= ?([0-9A-Fa-f]+)");

  private SumsFile() {}

  /**
   * The lower-case digest listed for {@code fileName}, if a line lists it with a digest of the
   * length {@code checksumType} produces (and, for tagged lines, with a matching tag). A listed
   * name matches when it equals {@code fileName} or ends with {@code "/" + fileName}. The first
   * matching line wins.
   */
  public static Optional<String> find(String text, String fileName, String checksumType) {
    String type = Checksums.canonicalName(checksumType);
    int hexLength = Checksums.hexLength(type);
    boolean inSignature = false;
    for (String raw : text.split("\n", -1)) {
      String line = raw.endsWith("\r") ? raw.substring(0, raw.length() - 1) : raw;
      if (line.startsWith("-----BEGIN PGP SIGNATURE")) {
        inSignature = true;
        continue;
      }
      if (line.startsWith("-----END PGP SIGNATURE")) {
        inSignature = false;
        continue;
      }
      if (inSignature || line.isBlank() || line.startsWith("#") || line.startsWith("-----")) {
        continue;
      }
      if (line.startsWith("- ")) {
        line = line.substring(2); // OpenPGP dash-escaping
      }
      boolean escaped = line.startsWith("\\");
      if (escaped) {
        line = line.substring(1);
      }
      String hex;
      String name;
      Matcher bsd = BSD.matcher(line);
      Matcher gnu = GNU.matcher(line);
      if (bsd.matches()) {
        String tag = bsd.group(1).toLowerCase(Locale.ROOT).replace('-', '_').replace('/', '_');
        if (Checksums.isSupported(tag) && !tag.equals(type)) {
          continue;
        }
        name = bsd.group(2);
        hex = bsd.group(3);
      } else if (gnu.matches()) {
        hex = gnu.group(1);
        name = gnu.group(2);
      } else {
        continue;
      }
      if (escaped) {
        name = unescape(name);
      }
      if (hex.length() == hexLength && (name.equals(fileName) || name.endsWith("/" + fileName))) {
        return Optional.of(hex.toLowerCase(Locale.ROOT));
      }
    }
    return Optional.empty();
  }

  private static String unescape(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '\\' && i + 1 < name.length()) {
        char next = name.charAt(++i);
        out.append(next == 'n' ? '\n' : next == 'r' ? '\r' : next);
      } else {
        out.append(c);
      }
    }
    return out.toString();
  }
}
