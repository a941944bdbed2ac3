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
import org.genvmimage.core.Folders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The content-addressed download cache. Layout, under {@link #dir()}:
 *
 * <pre>
 * &lt;type&gt;/&lt;hex&gt;            a verified file (only ever renamed here after its digest matched)
 * &lt;type&gt;/&lt;hex&gt;.json       its metadata: source URLs, size, created, last used
 * &lt;type&gt;/&lt;hex&gt;.part       a download in progress or interrupted (resumed by the next fetch)
 * &lt;type&gt;/&lt;hex&gt;.part.json  the partial's source and validators (ETag, Last-Modified, size)
 * &lt;type&gt;/&lt;hex&gt;.lock       the entry's lock file
 * .lock                      the lock that guards opening and removing entry lock files
 * sums/&lt;key&gt;.json          the digest last read from a sums file for a file name (offline use)
 * </pre>
 *
 * <p>{@code <type>} is the canonical hashlib name ({@code sha256}) and {@code <hex>} the lower-case
 * digest.
 *
 * <p><b>Locking.</b> Builds hold an entry's lock shared while they look it up, download it (then
 * also holding its write lock, so that one download runs at a time) and read it; whoever removes an
 * entry holds its lock exclusively ({@link #lockExclusive}), so a reader never sees a half-removed
 * entry and a removal never pulls a file from under a reader or a download. Locks hold across
 * threads and processes ({@link FileLocks}). An entry lock file is opened only while the cache's
 * {@code .lock} is held shared, and waiting for the entry's lock happens within that; so a remover
 * that holds the entry exclusively and gets {@code .lock} exclusively knows that no one has the
 * entry's lock file open, and may delete it. When it cannot get {@code .lock} at once, it leaves
 * the lock file for a later {@link #removeStaleLockFiles}. A fetch that stores no verified file (it
 * failed or was interrupted) deletes the entry's lock file the same way on its way out ({@link
 * #removeUnusedLock}), and with it the type folder when that is left empty.
 */
public final class DownloadCache {
  private static final Logger log = LoggerFactory.getLogger(DownloadCache.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Pattern HEX = Pattern.compile("[0-9a-f]+");

  /** How often, and how many milliseconds apart, a cleanup tries for the guard. */
  private static final int GUARD_ATTEMPTS = 40;

  private static final long GUARD_RETRY_MILLIS = 25;

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
    return find(checksumType, hex, false);
  }

  /** The verified entry, or with {@code partial} the partial download, of a digest. */
  public Optional<CacheEntry> find(String checksumType, String hex, boolean partial) {
    String type = Checksums.canonicalName(checksumType);
    Path file = partial ? partPath(type, hex) : entryPath(type, hex);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    return Optional.of(partial ? toPartial(type, hex, file) : toEntry(type, hex, file));
  }

  /** Every verified entry, by type then digest. */
  public List<CacheEntry> entries() {
    return list().stream().filter(e -> !e.partial()).toList();
  }

  /**
   * Every verified entry and every partial download, by type then digest (a partial download after
   * a verified file of the same digest).
   */
  public List<CacheEntry> list() {
    List<CacheEntry> result = new ArrayList<>();
    for (Path typeDir : typeDirs()) {
      String type = typeDir.getFileName().toString();
      try (Stream<Path> files = Files.list(typeDir)) {
        files.forEach(
            f -> {
              String name = f.getFileName().toString();
              if (HEX.matcher(name).matches() && Files.isRegularFile(f)) {
                result.add(toEntry(type, name, f));
              } else if (name.endsWith(".part")
                  && HEX.matcher(name.substring(0, name.length() - 5)).matches()
                  && Files.isRegularFile(f)) {
                result.add(toPartial(type, name.substring(0, name.length() - 5), f));
              }
            });
      } catch (NoSuchFileException e) {
        // removed meanwhile
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + typeDir, e);
      }
    }
    result.sort(
        Comparator.comparing(CacheEntry::checksumType)
            .thenComparing(CacheEntry::checksumHex)
            .thenComparing(CacheEntry::partial));
    return result;
  }

  private List<Path> typeDirs() {
    List<Path> result = new ArrayList<>();
    if (!Files.isDirectory(dir)) {
      return result;
    }
    try (DirectoryStream<Path> types = Files.newDirectoryStream(dir, Files::isDirectory)) {
      for (Path typeDir : types) {
        if (Checksums.isSupported(typeDir.getFileName().toString())) {
          result.add(typeDir);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    return result;
  }

  private CacheEntry toEntry(String type, String hex, Path file) {
    Optional<EntryInfo> info = readInfo(type, hex);
    Instant lastUsed =
        info.map(i -> i.lastUsed() != null ? i.lastUsed() : i.created()).orElse(null);
    return new CacheEntry(
        type,
        hex,
        file,
        sizeOf(file),
        info.map(EntryInfo::sources).orElse(List.of()),
        info.map(EntryInfo::created).orElse(null),
        lastUsed != null ? lastUsed : modified(file),
        false);
  }

  private CacheEntry toPartial(String type, String hex, Path part) {
    URI source = readPartInfo(type, hex).map(PartInfo::source).orElse(null);
    return new CacheEntry(
        type,
        hex,
        part,
        sizeOf(part),
        source == null ? List.of() : List.of(source),
        null,
        modified(part),
        true);
  }

  private static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  private static Instant modified(Path file) {
    try {
      return Files.getLastModifiedTime(file).toInstant();
    } catch (IOException e) {
      return null;
    }
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

  // ---- locks

  /** The lock that guards opening and deleting entry lock files. */
  Path guardPath() {
    return dir.resolve(".lock");
  }

  /**
   * Takes an entry's lock shared, as a build that reads the entry does; waits while someone writes
   * or removes it.
   *
   * @throws IOException when the lock file cannot be opened or locked
   * @throws InterruptedException when interrupted while waiting
   */
  public EntryLock lockShared(String checksumType, String hex)
      throws IOException, InterruptedException {
    return lock(checksumType, hex, true, FileLocks.Waiting.NONE);
  }

  /**
   * Takes an entry's lock exclusively, waiting for every reader and writer to let go.
   *
   * @param onWait runs once, before waiting, when someone else holds the lock
   */
  public EntryLock lockExclusive(String checksumType, String hex, Runnable onWait)
      throws IOException, InterruptedException {
    return lock(checksumType, hex, false, otherProcess -> onWait.run());
  }

  /** Takes an entry's lock exclusively if nobody else holds it. */
  public Optional<EntryLock> tryLockExclusive(String checksumType, String hex) throws IOException {
    try {
      return Optional.ofNullable(acquire(checksumType, hex, false, false, FileLocks.Waiting.NONE));
    } catch (InterruptedException e) {
      throw new AssertionError("a try does not wait", e);
    }
  }

  EntryLock lock(String checksumType, String hex, boolean shared, FileLocks.Waiting waiting)
      throws IOException, InterruptedException {
    return acquire(checksumType, hex, shared, true, waiting);
  }

  /**
   * Takes the entry's write lock, which serialises the downloads of one entry, for a holder of its
   * lock held shared; let go of it first.
   */
  EntryLock lockWriting(EntryLock reading, FileLocks.Waiting waiting)
      throws IOException, InterruptedException {
    return new EntryLock(
        reading.checksumType(),
        reading.checksumHex(),
        FileLocks.lockWrite(reading.held(), waiting));
  }

  @SuppressWarnings("try") // the lock is held for the body
  private EntryLock acquire(
      String checksumType, String hex, boolean shared, boolean wait, FileLocks.Waiting waiting)
      throws IOException, InterruptedException {
    String type = Checksums.canonicalName(checksumType);
    Path lockFile = lockPath(type, hex);
    // FileLocks creates the lock file's folder under the guard, where removals cannot interfere
    try (FileLocks.Held guard = FileLocks.lock(guardPath(), true, FileLocks.Waiting.NONE)) {
      FileLocks.Held held =
          wait ? FileLocks.lock(lockFile, shared, waiting) : FileLocks.tryLock(lockFile, shared);
      return held == null ? null : new EntryLock(type, hex, held);
    }
  }

  // ---- removal

  /**
   * Removes an entry whose lock the caller holds exclusively: the verified file first (so nobody
   * new finds it), then its metadata; the partial download and its metadata; and the lock file when
   * neither file is left and nobody can be opening it.
   *
   * @param verified remove the verified file and its metadata
   * @param partial remove the partial download and its metadata
   * @return the bytes freed: the sizes of the verified file and the partial download removed
   */
  public long remove(EntryLock lock, boolean verified, boolean partial) throws IOException {
    String type = lock.checksumType();
    String hex = lock.checksumHex();
    if (!lock.isExclusiveFor(type, hex)) {
      throw new IllegalStateException("removing " + type + "/" + hex + " needs its lock");
    }
    long freed = 0;
    if (verified) {
      freed += deleteCounting(entryPath(type, hex));
      Files.deleteIfExists(infoPath(type, hex));
    }
    if (partial) {
      freed += deleteCounting(partPath(type, hex));
      Files.deleteIfExists(partInfoPath(type, hex));
    }
    if (!Files.exists(entryPath(type, hex)) && !Files.exists(partPath(type, hex))) {
      removeLockFile(type, hex);
    }
    return freed;
  }

  /** Deletes an entry's lock file (its lock held exclusively) if nobody is opening lock files. */
  private void removeLockFile(String type, String hex) {
    try (FileLocks.Held guard = FileLocks.tryLock(guardPath(), false)) {
      if (guard == null) {
        log.debug(
            "keeping {}: another process or thread is taking a cache lock", lockPath(type, hex));
        return;
      }
      Files.deleteIfExists(lockPath(type, hex));
      removeTypeDirIfEmpty(type);
    } catch (IOException e) {
      log.debug("keeping {}: {}", lockPath(type, hex), e.toString());
    }
  }

  /**
   * After a fetch that left no verified file (it failed or was interrupted), lets no trace of the
   * entry's lock stay behind: deletes its lock file, and then its type folder when that is empty,
   * unless another thread or process holds the entry's lock or is taking any cache lock (then the
   * lock file stays for a later {@link #removeStaleLockFiles}, or for that user's own exit). A
   * partial download stays for a resume; its lock file is made again when it is resumed. The caller
   * must not hold the entry's lock. Best effort: never fails.
   *
   * <p>Safe against a concurrent fetch: lock files are only opened while {@code .lock} is held
   * shared (also while waiting for an entry's lock), and this deletes one only while holding {@code
   * .lock} exclusively and the entry's lock exclusively, so nobody has the file open, is waiting on
   * it, or can open it before it is gone; whoever comes next makes a new one.
   */
  public void removeUnusedLock(String checksumType, String hex) {
    String type = Checksums.canonicalName(checksumType);
    Path lockFile = lockPath(type, hex);
    // a cleanup after an interrupt must not be cut short by it (lock calls are interruptible)
    boolean interrupted = Thread.interrupted();
    try (FileLocks.Held guard = tryGuardExclusive()) {
      if (guard == null) {
        log.debug("keeping {}: another process or thread is taking a cache lock", lockFile);
        return;
      }
      if (Files.exists(lockFile)) {
        try (FileLocks.Held held = FileLocks.tryLock(lockFile, false)) {
          if (held == null || Files.exists(entryPath(type, hex))) {
            return;
          }
          Files.deleteIfExists(lockFile);
        }
      }
      removeTypeDirIfEmpty(type);
    } catch (IOException e) {
      log.debug("keeping {}: {}", lockFile, e.toString());
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The guard held exclusively, or null when others keep taking cache locks for a while. Two
   * fetches of one entry that fail together each find the other in the way for a moment (one holds
   * the guard, the other the entry's lock); a short retry lets the last one out clean up.
   */
  private FileLocks.Held tryGuardExclusive() throws IOException {
    for (int attempt = 0; ; attempt++) {
      FileLocks.Held guard = FileLocks.tryLock(guardPath(), false);
      if (guard != null || attempt == GUARD_ATTEMPTS) {
        return guard;
      }
      try {
        Thread.sleep(GUARD_RETRY_MILLIS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return null;
      }
    }
  }

  /**
   * Deletes a type folder that holds nothing. Called with {@code .lock} held exclusively: every
   * writer in a type folder holds the lock of an entry whose lock file is in it, and lock files
   * (and their folder) are made only under {@code .lock} held shared.
   */
  private void removeTypeDirIfEmpty(String type) {
    try {
      Files.deleteIfExists(typeDir(type));
    } catch (IOException notEmpty) {
      // in use
    }
  }

  /**
   * Deletes the lock files (and leftover metadata) of entries that have neither a verified file nor
   * a partial download, when nobody holds or is taking their locks.
   *
   * @return how many lock files were deleted
   */
  public int removeStaleLockFiles() throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    int removed = 0;
    try (FileLocks.Held guard = FileLocks.tryLock(guardPath(), false)) {
      if (guard == null) {
        log.debug("not cleaning lock files: another process or thread is taking a cache lock");
        return 0;
      }
      for (Path typeDir : typeDirs()) {
        String type = typeDir.getFileName().toString();
        List<String> stale = new ArrayList<>();
        try (Stream<Path> files = Files.list(typeDir)) {
          files
              .map(f -> f.getFileName().toString())
              .filter(n -> n.endsWith(".lock"))
              .map(n -> n.substring(0, n.length() - 5))
              .filter(h -> HEX.matcher(h).matches())
              .forEach(stale::add);
        }
        for (String hex : stale) {
          if (Files.exists(entryPath(type, hex)) || Files.exists(partPath(type, hex))) {
            continue;
          }
          try (FileLocks.Held held = FileLocks.tryLock(lockPath(type, hex), false)) {
            if (held == null
                || Files.exists(entryPath(type, hex))
                || Files.exists(partPath(type, hex))) {
              continue;
            }
            Files.deleteIfExists(infoPath(type, hex));
            Files.deleteIfExists(partInfoPath(type, hex));
            Files.deleteIfExists(lockPath(type, hex));
            removed++;
          }
        }
        removeTypeDirIfEmpty(type);
      }
    }
    return removed;
  }

  /**
   * Deletes the digests remembered from sums files ({@code sums/}).
   *
   * @return the bytes freed
   */
  public long clearSums() throws IOException {
    Path sums = dir.resolve("sums");
    if (!Files.isDirectory(sums)) {
      return 0;
    }
    long freed = 0;
    try (Stream<Path> files = Files.list(sums)) {
      for (Path f : files.toList()) {
        if (Files.isRegularFile(f)) {
          freed += deleteCounting(f);
        }
      }
    }
    return freed;
  }

  private static long deleteCounting(Path file) throws IOException {
    try {
      long size = Files.size(file);
      Files.delete(file);
      return size;
    } catch (NoSuchFileException e) {
      return 0;
    }
  }

  // ---- entry metadata

  /**
   * The metadata sidecar of an entry.
   *
   * @param source the URL that stored it
   * @param sources every URL it was fetched from, {@code source} first
   */
  record EntryInfo(URI source, long size, Instant created, Instant lastUsed, List<URI> sources) {
    EntryInfo {
      List<URI> all = new ArrayList<>();
      if (source != null) {
        all.add(source);
      }
      for (URI uri : sources) {
        if (uri != null && !all.contains(uri)) {
          all.add(uri);
        }
      }
      sources = List.copyOf(all);
    }

    EntryInfo(URI source, long size, Instant created, Instant lastUsed) {
      this(source, size, created, lastUsed, List.of());
    }
  }

  Optional<EntryInfo> readInfo(String type, String hex) {
    return readJson(infoPath(type, hex))
        .map(
            n -> {
              List<URI> sources = new ArrayList<>();
              n.path("sources").forEach(u -> sources.add(uriOrNull(u.asText(null))));
              return new EntryInfo(
                  uriOrNull(n.path("source").asText(null)),
                  n.path("size").asLong(-1),
                  instantOrNull(n.path("created").asText(null)),
                  instantOrNull(n.path("lastUsed").asText(null)),
                  sources);
            });
  }

  void writeInfo(String type, String hex, EntryInfo info) {
    ObjectNode n = JSON.createObjectNode();
    n.put("source", info.source() == null ? null : info.source().toString());
    n.put("size", info.size());
    n.put("created", info.created() == null ? null : info.created().toString());
    n.put("lastUsed", info.lastUsed() == null ? null : info.lastUsed().toString());
    info.sources().forEach(u -> n.withArray("sources").add(u.toString()));
    writeJsonQuietly(infoPath(type, hex), n);
  }

  /**
   * Records a use: the entry's last-used time becomes now, and {@code source} joins its sources.
   * Best effort; one small file written beside the entry and renamed over its metadata.
   */
  void touch(String type, String hex, Optional<EntryInfo> info, long size, URI source) {
    Instant now = Instant.now();
    EntryInfo updated =
        info.map(
                i -> {
                  List<URI> sources = new ArrayList<>(i.sources());
                  sources.add(source);
                  URI first = i.source() != null ? i.source() : source;
                  return new EntryInfo(first, i.size(), i.created(), now, sources);
                })
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
    Path folder = Folders.of(file);
    Files.createDirectories(folder);
    Path tmp = Files.createTempFile(folder, file.getFileName().toString(), ".tmp");
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
