package org.genvmimage.architecture;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Resolves where a file comes from: an {@code http(s)} URL as written, a {@code file:} URL, or a
 * local path (absolute, or relative to the architecture file's folder) as an absolute {@code file:}
 * URI.
 */
final class Locations {
  /** What a location may be, for error messages. */
  static final String KINDS = "an http(s) URL, a file: URL or a local path";

  private static final Pattern SCHEME = Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*):");

  private Locations() {}

  /**
   * Resolves {@code text} against {@code baseDir} (an absolute folder).
   *
   * @throws IllegalArgumentException saying what is wrong and what is expected
   */
  static URI resolve(String text, Path baseDir) {
    String location = text.strip();
    if (location.isEmpty()) {
      throw new IllegalArgumentException("no location (expected " + KINDS + ")");
    }
    Matcher scheme = SCHEME.matcher(location);
    if (!scheme.lookingAt()) {
      return localPath(location, baseDir);
    }
    switch (scheme.group(1).toLowerCase(Locale.ROOT)) {
      case "http":
      case "https":
        URI url = parse(location);
        if (url.isOpaque() || url.getHost() == null) {
          throw new IllegalArgumentException(
              "URL '"
                  + location
                  + "' has no host (expected e.g. 'https://example.org/disk.qcow2')");
        }
        return url;
      case "file":
        return fileUrl(location, baseDir);
      default:
        String hint =
            location.startsWith("//", scheme.end())
                ? ""
                : "; write './" + location + "' for a file";
        throw new IllegalArgumentException(
            "unsupported URL scheme '" + scheme.group(1) + ":' (expected " + KINDS + hint + ")");
    }
  }

  private static URI fileUrl(String location, Path baseDir) {
    URI url = parse(location);
    if (url.isOpaque()) {
      // file:relative/path, not a URL in RFC 8089 but clear enough.
      return localPath(url.getSchemeSpecificPart(), baseDir);
    }
    String host = url.getAuthority();
    if (host != null && !host.isEmpty() && !host.equalsIgnoreCase("localhost")) {
      throw new IllegalArgumentException(
          "file URL '"
              + location
              + "' names host '"
              + host
              + "' (expected a local file, e.g."
              + " 'file:///srv/images/disk.qcow2')");
    }
    if (url.getQuery() != null || url.getFragment() != null) {
      throw new IllegalArgumentException(
          "file URL '" + location + "' has a query or fragment (expected a plain file path)");
    }
    return localPath(url.getPath(), baseDir);
  }

  private static URI localPath(String path, Path baseDir) {
    if (path.startsWith("~")) {
      throw new IllegalArgumentException(
          "path '"
              + path
              + "' starts with '~', which is not expanded (expected an absolute path, or a path"
              + " relative to the architecture file)");
    }
    try {
      return baseDir.resolve(path).normalize().toUri();
    } catch (InvalidPathException e) {
      throw new IllegalArgumentException("invalid path '" + path + "': " + e.getReason(), e);
    }
  }

  private static URI parse(String location) {
    try {
      return new URI(location);
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException(
          "invalid URL '" + location + "': " + e.getReason() + " at index " + e.getIndex(), e);
    }
  }
}
