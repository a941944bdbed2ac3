package org.genvmimage.download;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where each file of the {@link DownloadCache} lives: {@code <type>/<hex>} and its siblings, the
 * cache's {@code .lock}, and {@code sums/<key>.json}. Only paths; nothing here touches the disk.
 */
final class CacheLayout {
  private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

  private final Path dir;

  CacheLayout(Path dir) {
    this.dir = dir;
  }

  Path dir() {
    return dir;
  }

  Path typeDir(String checksumType) {
    String type = Checksums.canonicalName(checksumType);
    if (!Checksums.isSupported(type)) {
      throw new IllegalArgumentException("unknown checksum type '" + checksumType + "'");
    }
    return dir.resolve(type);
  }

  /** The verified file. */
  Path entryPath(Digest digest) {
    return sibling(digest, "");
  }

  /** The verified file's metadata. */
  Path infoPath(Digest digest) {
    return sibling(digest, ".json");
  }

  /** The partial download. */
  Path partPath(Digest digest) {
    return sibling(digest, ".part");
  }

  /** The partial download's metadata. */
  Path partInfoPath(Digest digest) {
    return sibling(digest, ".part.json");
  }

  /** The entry's lock file. */
  Path lockPath(Digest digest) {
    return sibling(digest, ".lock");
  }

  private Path sibling(Digest digest, String suffix) {
    return typeDir(digest.type()).resolve(digest.hex() + suffix);
  }

  /** The lock that guards opening and deleting entry lock files. */
  Path guardPath() {
    return dir.resolve(".lock");
  }

  /** The folder of the digests remembered from sums files. */
  Path sumsDir() {
    return dir.resolve("sums");
  }

  /** Where the digest a sums file listed for a file name is remembered. */
  Path sumsPath(String type, java.net.URI sumsFile, String fileName) {
    String key = type + "\n" + sumsFile + "\n" + fileName;
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return sumsDir().resolve(HexFormat.of().formatHex(digest) + ".json");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * The digest that a file name in a type folder stands for, with {@code suffix} ("" for a verified
   * file) taken off; empty for any other file.
   */
  static Optional<Digest> digestOf(String type, String name, String suffix) {
    if (!name.endsWith(suffix)) {
      return Optional.empty();
    }
    String hex = name.substring(0, name.length() - suffix.length());
    if (!HEX.matcher(hex).matches()) {
      return Optional.empty();
    }
    try {
      return Optional.of(new Digest(type, hex));
    } catch (IllegalArgumentException e) {
      return Optional.empty();
    }
  }
}
