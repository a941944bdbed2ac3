package org.genvmimage.download;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content-addressed download cache. Layout, under {@link #dir()}:
 *
 * <pre>
 * &lt;type&gt;/&lt;hex&gt;            a verified file (only ever renamed here after its digest matched)
 * &lt;type&gt;/&lt;hex&gt;.json       its metadata: source URL, size, created, last used
 * &lt;type&gt;/&lt;hex&gt;.part       a download in progress or interrupted (resumed by the next fetch)
 * &lt;type&gt;/&lt;hex&gt;.part.json  the partial's source and validators (ETag, Last-Modified, size)
 * &lt;type&gt;/&lt;hex&gt;.lock       the lock file that serialises processes fetching the same entry
 * sums/&lt;key&gt;.json          the digest last read from a sums file for a file name (offline use)
 * </pre>
 *
 * <p>{@code <type>} is the canonical hashlib name ({@code sha256}) and {@code <hex>} the lower-case
 * digest. Lock files are kept: deleting them safely while other processes may hold or wait on them
 * is not possible with plain file locks, and they are empty.
 */
public final class DownloadCache {
  private static final Logger log = LoggerFactory.getLogger(DownloadCache.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

  private final Path dir;

  public DownloadCache(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  /**
   * The default cache folder: {@code $XDG_CACHE_HOME/gen-vm-image} when that variable holds an
   * absolute path, else {@code $HOME/.cache/gen-vm-image}.
   */
  public static Path defaultDir(Map<String, String> env) {
    String xdg = env.get("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "gen-vm-image");
    }
    String home = env.get("HOME");
    if (home == null || home.isBlank()) {
      home = System.getProperty("user.home");
    }
    return Path.of(home, ".cache", "gen-vm-image");
  }

  /** The cache's root folder (absolute). */
  public Path dir() {
    return dir;
  }

  /** Where the verified file for a digest lives (whether or not it is there now). */
  public Path entryPath(String checksumType, String hex) {
    return typeDir(checksumType).resolve(checkHex(hex));
  }

  /** The verified entry for a digest, if the cache holds it. */
  public Optional<CacheEntry> entry(String checksumType, String hex) {
    String type = Checksums.canonicalName(checksumType);
    Path file = entryPath(type, hex);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    return Optional.of(toEntry(type, hex, file));
  }

  /** Every verified entry, by type then digest. */
  public List<CacheEntry> entries() {
    List<CacheEntry> result = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return result;
    }
    try (DirectoryStream<Path> types = Files.newDirectoryStream(dir, Files::isDirectory)) {
      for (Path typeDir : types) {
        String type = typeDir.getFileName().toString();
        if (!Checksums.isSupported(type)) {
          continue;
        }
        try (Stream<Path> files = Files.list(typeDir)) {
          files
              .filter(f -> HEX.matcher(f.getFileName().toString()).matches())
              .filter(Files::isRegularFile)
              .forEach(f -> result.add(toEntry(type, f.getFileName().toString(), f)));
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    result.sort(
        Comparator.comparing(CacheEntry::checksumType).thenComparing(CacheEntry::checksumHex));
    return result;
  }

  private CacheEntry toEntry(String type, String hex, Path file) {
    Optional<EntryInfo> info = readInfo(type, hex);
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      size = -1;
    }
    return new CacheEntry(
        type,
        hex,
        file,
        size,
        info.map(EntryInfo::source).orElse(null),
        info.map(EntryInfo::created).orElse(null),
        info.map(EntryInfo::lastUsed).orElse(null));
  }

  // ---- paths used by the downloader

  Path typeDir(String checksumType) {
    String type = Checksums.canonicalName(checksumType);
    if (!Checksums.isSupported(type)) {
      throw new IllegalArgumentException("unknown checksum type '" + checksumType + "'");
    }
    return dir.resolve(type);
  }

  Path infoPath(String type, String hex) {
    return sibling(type, hex, ".json");
  }

  Path partPath(String type, String hex) {
    return sibling(type, hex, ".part");
  }

  Path partInfoPath(String type, String hex) {
    return sibling(type, hex, ".part.json");
  }

  Path lockPath(String type, String hex) {
    return sibling(type, hex, ".lock");
  }

  private Path sibling(String type, String hex, String suffix) {
    return typeDir(type).resolve(checkHex(hex) + suffix);
  }

  private static String checkHex(String hex) {
    if (hex == null || !HEX.matcher(hex).matches()) {
      throw new IllegalArgumentException("not a lower-case hex digest: " + hex);
    }
    return hex;
  }

  // ---- entry metadata

  /** The metadata sidecar of an entry. */
  record EntryInfo(URI source, long size, Instant created, Instant lastUsed) {}

  Optional<EntryInfo> readInfo(String type, String hex) {
    return readJson(infoPath(type, hex))
        .map(
            n ->
                new EntryInfo(
                    uriOrNull(n.path("source").asText(null)),
                    n.path("size").asLong(-1),
                    instantOrNull(n.path("created").asText(null)),
                    instantOrNull(n.path("lastUsed").asText(null))));
  }

  void writeInfo(String type, String hex, EntryInfo info) {
    ObjectNode n = JSON.createObjectNode();
    n.put("source", info.source() == null ? null : info.source().toString());
    n.put("size", info.size());
    n.put("created", info.created() == null ? null : info.created().toString());
    n.put("lastUsed", info.lastUsed() == null ? null : info.lastUsed().toString());
    writeJsonQuietly(infoPath(type, hex), n);
  }

  /** Records a hit: the entry's last-used time becomes now. Best effort. */
  void touch(String type, String hex, Optional<EntryInfo> info, long size, URI source) {
    Instant now = Instant.now();
    EntryInfo updated =
        info.map(i -> new EntryInfo(i.source(), i.size(), i.created(), now))
            .orElse(new EntryInfo(source, size, null, now));
    writeInfo(type, hex, updated);
  }

  // ---- partial download metadata

  /** What resuming a partial download needs: where it came from and how to tell it unchanged. */
  record PartInfo(URI source, String etag, String lastModified, long totalBytes) {
    /** The If-Range value for a resume from {@code uri}, or {@code null} when there is none. */
    String ifRange(URI uri) {
      if (source == null || !source.equals(uri)) {
        return null;
      }
      if (etag != null && !etag.startsWith("W/")) {
        return etag; // weak validators are not allowed in If-Range
      }
      return lastModified;
    }
  }

  Optional<PartInfo> readPartInfo(String type, String hex) {
    return readJson(partInfoPath(type, hex))
        .map(
            n ->
                new PartInfo(
                    uriOrNull(n.path("source").asText(null)),
                    n.path("etag").asText(null),
                    n.path("lastModified").asText(null),
                    n.path("totalBytes").asLong(-1)));
  }

  void writePartInfo(String type, String hex, PartInfo info) throws IOException {
    ObjectNode n = JSON.createObjectNode();
    n.put("source", info.source() == null ? null : info.source().toString());
    n.put("etag", info.etag());
    n.put("lastModified", info.lastModified());
    n.put("totalBytes", info.totalBytes());
    writeJson(partInfoPath(type, hex), n);
  }

  // ---- digests read from sums files, for offline use

  /** The digest a sums file listed for a file name the last time it was read. */
  record SumsRecord(String hex, Instant resolved) {}

  Optional<SumsRecord> lastResolved(String type, URI sumsFile, String fileName) {
    return readJson(sumsPath(type, sumsFile, fileName))
        .filter(
            n ->
                type.equals(n.path("type").asText())
                    && sumsFile.toString().equals(n.path("sumsFile").asText())
                    && fileName.equals(n.path("name").asText()))
        .map(
            n -> new SumsRecord(n.path("hex").asText(), instantOrNull(n.path("resolved").asText())))
        .filter(r -> HEX.matcher(r.hex()).matches());
  }

  void recordResolved(String type, URI sumsFile, String fileName, String hex) {
    ObjectNode n = JSON.createObjectNode();
    n.put("type", type);
    n.put("sumsFile", sumsFile.toString());
    n.put("name", fileName);
    n.put("hex", hex);
    n.put("resolved", Instant.now().toString());
    writeJsonQuietly(sumsPath(type, sumsFile, fileName), n);
  }

  private Path sumsPath(String type, URI sumsFile, String fileName) {
    String key = type + "\n" + sumsFile + "\n" + fileName;
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
      return dir.resolve("sums").resolve(HexFormat.of().formatHex(digest) + ".json");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  // ---- JSON helpers

  private static Optional<JsonNode> readJson(Path file) {
    try {
      return Optional.of(JSON.readTree(file.toFile())).filter(JsonNode::isObject);
    } catch (NoSuchFileException | java.io.FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      log.debug("ignoring unreadable {}: {}", file, e.toString());
      return Optional.empty();
    }
  }

  private static void writeJsonQuietly(Path file, JsonNode node) {
    try {
      writeJson(file, node);
    } catch (IOException e) {
      log.warn("cannot write {}: {}", file, e.toString());
    }
  }

  /** Writes to a temporary file beside the target and renames it over the target. */
  private static void writeJson(Path file, JsonNode node) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = Files.createTempFile(file.getParent(), file.getFileName().toString(), ".tmp");
    try {
      Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  private static URI uriOrNull(String s) {
    try {
      return s == null ? null : URI.create(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static Instant instantOrNull(String s) {
    try {
      return s == null ? null : Instant.parse(s);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
