package org.genvmimage.download;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/**
 * Which cache entries a user means: checksum values, their first digits as a listing shows them, or
 * {@code TYPE:VALUE}; each must name exactly one entry.
 */
public final class CacheSelection {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]+");
  private static final int SHORT_HEX = 12;

  private CacheSelection() {}

  /** An entry's digest as listings and messages show it: type and first digits. */
  public static String label(Digest digest) {
    return digest.type() + " " + shortHex(digest.hex());
  }

  /** The first digits of a checksum value, as listings show it. */
  public static String shortHex(String hex) {
    return hex.length() > SHORT_HEX ? hex.substring(0, SHORT_HEX) : hex;
  }

  /** The distinct digests of the entries, in their order. */
  public static Set<Digest> keys(Collection<CacheEntry> entries) {
    Set<Digest> keys = new LinkedHashSet<>();
    entries.forEach(e -> keys.add(e.digest()));
    return keys;
  }

  /**
   * The keys that the given checksums name, in their order.
   *
   * @param keys the keys in the cache
   * @param given the checksums as the user wrote them
   * @param cacheDir the cache folder, for the message when nothing matches
   * @param listCommand the command that lists the cache, for the messages
   * @throws GenVmException a usage error for a malformed or ambiguous checksum, invalid input when
   *     nothing matches
   */
  public static Set<Digest> match(
      Collection<Digest> keys, List<String> given, Path cacheDir, String listCommand) {
    Set<Digest> targets = new LinkedHashSet<>();
    for (String one : given) {
      targets.add(matchOne(keys, one, cacheDir, listCommand));
    }
    return targets;
  }

  private static Digest matchOne(
      Collection<Digest> keys, String given, Path cacheDir, String listCommand) {
    String value = given.strip().toLowerCase(Locale.ROOT);
    String type = null;
    int colon = value.indexOf(':');
    if (colon >= 0) {
      type = Checksums.canonicalName(value.substring(0, colon));
      value = value.substring(colon + 1);
      if (!Checksums.isSupported(type)) {
        throw new GenVmException(ExitCode.USAGE, "'" + given + "': " + Checksums.unknownType(null));
      }
    }
    if (!HEX.matcher(value).matches()) {
      throw new GenVmException(
          ExitCode.USAGE, "'" + given + "' is not a checksum value (hex digits)");
    }
    String prefix = value;
    String wanted = type;
    List<Digest> found =
        keys.stream()
            .filter(k -> wanted == null || k.type().equals(wanted))
            .filter(k -> k.hex().startsWith(prefix))
            .toList();
    if (found.isEmpty()) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT,
          "no cache entry matches '" + given + "' in " + cacheDir + " (see '" + listCommand + "')");
    }
    if (found.size() > 1) {
      throw new GenVmException(
          ExitCode.USAGE,
          "'"
              + given
              + "' matches "
              + found.size()
              + " cache entries ("
              + found.stream().map(CacheSelection::label).collect(Collectors.joining(", "))
              + "); give more digits");
    }
    return found.get(0);
  }
}
