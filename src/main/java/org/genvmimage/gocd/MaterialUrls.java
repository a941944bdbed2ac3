package org.genvmimage.gocd;

import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Pure helpers for the URL of the git material: removing credentials, and the material's name. */
public final class MaterialUrls {
  private static final Pattern SCHEME_URL =
      Pattern.compile("([A-Za-z][A-Za-z0-9+.-]*)://([^/?#]*)(.*)", Pattern.DOTALL);
  private static final Pattern SCP_LIKE = Pattern.compile("[^/:@]+@[^/:]+:.*|[^/:]+:[^/].*");
  private static final Set<String> SSH_SCHEMES = Set.of("ssh", "git+ssh", "ssh+git");

  private MaterialUrls() {}

  /**
   * A URL with its credentials removed.
   *
   * @param url the URL without credentials
   * @param changed whether something was removed (what it was is never kept: a token is often given
   *     as the user name)
   */
  public record Cleaned(String url, boolean changed) {}

  /**
   * Removes the userinfo ({@code user:password@}) from a URL. For {@code ssh://} URLs only a
   * password is removed: the user name is part of the address there ({@code ssh://git@host/...}),
   * as it is in the scp-like form {@code git@host:org/repo.git}, which is returned as it is.
   */
  public static Cleaned clean(String url) {
    Matcher m = SCHEME_URL.matcher(url);
    if (!m.matches()) {
      return new Cleaned(url, false);
    }
    String scheme = m.group(1);
    String authority = m.group(2);
    int at = authority.lastIndexOf('@');
    if (at < 0) {
      return new Cleaned(url, false);
    }
    String userinfo = authority.substring(0, at);
    String host = authority.substring(at + 1);
    int colon = userinfo.indexOf(':');
    String keep;
    if (SSH_SCHEMES.contains(scheme.toLowerCase(Locale.ROOT))) {
      if (colon < 0) {
        return new Cleaned(url, false);
      }
      keep = userinfo.substring(0, colon) + "@";
    } else {
      keep = "";
    }
    return new Cleaned(scheme + "://" + keep + host + m.group(3), true);
  }

  /** Whether the text is a network address that a GoCD server can clone from. */
  public static boolean isRemote(String url) {
    Matcher m = SCHEME_URL.matcher(url);
    if (m.matches()) {
      return !m.group(1).equalsIgnoreCase("file") && !m.group(2).isEmpty();
    }
    return SCP_LIKE.matcher(url).matches();
  }

  /**
   * The material's name, which is also its folder in the pipeline's working directory: the last
   * part of the URL's path without {@code .git}, reduced to the characters GoCD allows in names
   * ({@code https://github.com/example/vm-images.git} gives {@code vm-images}); {@code source} when
   * nothing is left.
   */
  public static String materialName(String url) {
    String path = url.replaceAll("[?#].*$", "").replaceAll("[/\\\\]+$", "");
    String last = path.substring(Math.max(path.lastIndexOf('/'), path.lastIndexOf(':')) + 1);
    if (last.toLowerCase(Locale.ROOT).endsWith(".git")) {
      last = last.substring(0, last.length() - 4);
    }
    String name = last.replaceAll("[^A-Za-z0-9_.-]", "_").replaceAll("^[.]+", "");
    return name.isEmpty() || name.chars().allMatch(c -> c == '_')
        ? "source"
        : name.substring(0, Math.min(name.length(), 100));
  }

  /**
   * The environment variable in which GoCD gives a job the revision of a named material: {@code
   * GO_REVISION_} and the name in upper case, other characters than letters and digits as {@code
   * _}.
   */
  public static String revisionVariable(String materialName) {
    return "GO_REVISION_" + materialName.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_");
  }
}
