package org.genvmimage.download;

import java.io.IOException;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLockInterruptionException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.FileSync;
import org.genvmimage.core.Folders;
import org.genvmimage.core.GenVmException;
import org.genvmimage.core.IoErrors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fetch step: gets a file into the {@link DownloadCache} and verifies it on the way.
 *
 * <ul>
 *   <li><b>One pass.</b> The body is hashed while it is written to {@code <hex>.part}; the file is
 *       never read back. Only when the digest matches is it forced to disk and renamed atomically
 *       to {@code <hex>}, so the cache never holds an unverified file under a final name.
 *   <li><b>Hits are trusted.</b> Because of that, an existing final file is returned without
 *       network and without hashing it again; only its size is checked against its metadata.
 *   <li><b>Resume.</b> A {@code .part} left by a failed or interrupted run is read once to rebuild
 *       the digest state and continued with a range request ({@code If-Range} guards against a
 *       changed file). Within a run, a retry after a cut continues where the bytes stopped.
 *   <li><b>Local files.</b> A {@code file:} source is hashed in place and returned as it is, not
 *       copied into the cache.
 *   <li><b>Concurrency.</b> An entry is looked up and downloaded under its lock held shared ({@link
 *       DownloadCache#lockShared}, across threads and processes), which keeps removals out; a
 *       download also holds the entry's write lock, so fetches of one entry download it once and
 *       the later ones wait and hit the cache; different entries download in parallel. {@link
 *       #fetchAndHold} keeps the entry locked shared while the caller reads it, so that removing it
 *       from the cache waits until then.
 *   <li><b>Interrupts.</b> An interrupted fetch cancels its exchange (closing the connection),
 *       keeps the {@code .part} for a resume, and throws {@link ExitCode#INTERRUPTED} with the
 *       thread's interrupt flag set again.
 * </ul>
 *
 * <p>Thread-safe: one instance serves concurrent fetches.
 */
public final class Downloader {
  private static final Logger log = LoggerFactory.getLogger(Downloader.class);

  /** The largest sums file read (they hold a few lines per image). */
  static final int SUMS_FILE_LIMIT = 16 << 20;

  private static final Pattern HEX = Pattern.compile("[0-9a-f]+");
  private static final long LOCAL_PROGRESS_NANOS = 200_000_000L;

  /**
   * The JDK HTTP client reads into 16 KiB buffers unless told otherwise, which costs it about twice
   * the CPU time per byte of 256 KiB buffers; large downloads are what this client does. The
   * property is read once, when the client's classes load, so it is set here (unless given on the
   * command line) before the first client is built.
   */
  static {
    if (System.getProperty("jdk.httpclient.bufsize") == null) {
      System.setProperty("jdk.httpclient.bufsize", String.valueOf(256 * 1024));
    }
  }

  private final DownloadCache cache;
  private final DownloadSettings settings;
  private final HttpTransfer transfer;

  public Downloader(DownloadCache cache, DownloadSettings settings) {
    this.cache = cache;
    this.settings = settings;
    this.transfer = new HttpTransfer(() -> newClient(settings), settings);
  }

  private static HttpClient newClient(DownloadSettings settings) {
    HttpClient.Builder client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .connectTimeout(settings.connectTimeout());
    ProxySelector proxies = ProxySelector.getDefault();
    if (proxies != null) {
      client.proxy(proxies);
    }
    return client.build();
  }

  /**
   * Stops the HTTP client this downloader made, if any (call when no fetch is running or will run):
   * the process can then exit without waiting for the client's threads.
   */
  public void close() {
    transfer.close();
  }

  public DownloadCache cache() {
    return cache;
  }

  public DownloadSettings settings() {
    return settings;
  }

  /**
   * Fetches and verifies a file.
   *
   * @param listener hears progress on this thread; may be {@code null}
   * @throws GenVmException INVALID_INPUT for an unknown type, a malformed digest or an unsupported
   *     scheme; DOWNLOAD_FAILED when the file (or sums file) cannot be fetched or the sums file
   *     does not list it; CHECKSUM_MISMATCH when the digest differs; INTERRUPTED when the thread
   *     was interrupted
   */
  public FetchResult fetch(FetchRequest request, DownloadListener listener) {
    return fetch(request, listener, null);
  }

  /**
   * Fetches and verifies a file, like {@link #fetch(FetchRequest, DownloadListener)}; a download
   * from the first byte is also written to {@code copy} on the way (see {@link DownloadCopy}).
   */
  public FetchResult fetch(FetchRequest request, DownloadListener listener, DownloadCopy copy) {
    try (FetchLease lease = fetchAndHold(request, listener, copy)) {
      return lease.result();
    }
  }

  /**
   * Fetches and verifies a file like {@link #fetch}, and keeps its cache entry locked shared until
   * the returned lease is closed: the file stays in place while the caller reads it.
   */
  public FetchLease fetchAndHold(FetchRequest request, DownloadListener listener) {
    return fetchAndHold(request, listener, null);
  }

  /**
   * Like {@link #fetchAndHold(FetchRequest, DownloadListener)}; a download from the first byte is
   * also written to {@code copy} on the way (see {@link DownloadCopy}).
   */
  public FetchLease fetchAndHold(
      FetchRequest request, DownloadListener listener, DownloadCopy copy) {
    try {
      return doFetch(request, listener == null ? DownloadListener.NONE : listener, copy);
    } catch (GenVmException e) {
      if (e.exitCode() == ExitCode.INTERRUPTED.code()) {
        Thread.currentThread().interrupt();
      }
      throw e;
    }
  }

  /**
   * The digest a request expects: its hex value, or the one its sums file lists for the source's
   * file name (with the same offline fallback as {@link #fetch}).
   */
  public String resolveChecksum(FetchRequest request) {
    return checksum(request, null).hex();
  }

  /**
   * The digest a request expects and where it came from, checked and looked up as {@link #fetch}
   * does. With a {@code dryRun} memo, a sums file is read through it into memory only and nothing
   * is recorded in the cache; without one, what the sums file listed is recorded for the offline
   * fallback.
   */
  public ResolvedChecksum checksum(FetchRequest request, SumsFileMemo dryRun) {
    String type = checkType(request.checksumType());
    if (request.expectedHex() != null) {
      return new ResolvedChecksum(
          type,
          checkHex(request.source(), type, request.expectedHex()),
          ResolvedChecksum.Origin.GIVEN,
          null,
          null);
    }
    checkScheme(request.sumsFile());
    return resolveFromSums(request, type, DownloadListener.NONE, dryRun);
  }

  private FetchLease doFetch(FetchRequest request, DownloadListener listener, DownloadCopy copy) {
    if (Thread.interrupted()) {
      throw HttpTransfer.interrupted();
    }
    String type = checkType(request.checksumType());
    URI source = request.source();
    checkScheme(source);
    if (request.sumsFile() != null) {
      checkScheme(request.sumsFile());
    }
    String hex =
        request.expectedHex() != null
            ? checkHex(source, type, request.expectedHex())
            : resolveFromSums(request, type, listener, null).hex();
    if (isFile(source)) {
      return new FetchLease(hashLocal(source, type, hex, listener), null);
    }
    return fetchIntoCache(source, type, hex, listener, copy);
  }

  // ---- checks

  private static String checkType(String checksumType) {
    if (!Checksums.isSupported(checksumType)) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT,
          "unknown checksum type '"
              + checksumType
              + "'; supported: "
              + String.join(", ", Checksums.supportedNames()));
    }
    return Checksums.canonicalName(checksumType);
  }

  private static String checkHex(URI source, String type, String value) {
    String hex = value.trim().toLowerCase(Locale.ROOT);
    int length = Checksums.hexLength(type);
    if (hex.length() != length || !HEX.matcher(hex).matches()) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT,
          source
              + ": checksum '"
              + value
              + "' is not a "
              + type
              + " digest ("
              + length
              + " hex digits)");
    }
    return hex;
  }

  private static void checkScheme(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("file")) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT,
          uri + ": unsupported URL scheme '" + scheme + "' (use http, https or file)");
    }
  }

  private static boolean isFile(URI uri) {
    return "file".equalsIgnoreCase(uri.getScheme());
  }

  private static Path localPath(URI uri) {
    try {
      return Path.of(uri);
    } catch (IllegalArgumentException | java.nio.file.FileSystemNotFoundException e) {
      throw new GenVmException(ExitCode.INVALID_INPUT, uri + ": not a local file URL", e);
    }
  }

  // ---- sums files

  private ResolvedChecksum resolveFromSums(
      FetchRequest request, String type, DownloadListener listener, SumsFileMemo dryRun) {
    URI sums = request.sumsFile();
    String name = request.fileName();
    byte[] bytes;
    try {
      bytes =
          dryRun == null
              ? readSmall(sums, listener)
              : dryRun.read(sums, u -> readSmall(u, listener));
    } catch (GenVmException e) {
      if (e.exitCode() == ExitCode.INTERRUPTED.code()) {
        throw e;
      }
      Optional<DownloadCache.SumsRecord> last = cache.lastResolved(type, sums, name);
      if (last.isEmpty()) {
        throw e;
      }
      if (dryRun == null) {
        log.warn(
            "{}; using the {} checksum it listed for '{}' on {}: {}",
            e.getMessage(),
            type,
            name,
            last.get().resolved(),
            last.get().hex());
      }
      return new ResolvedChecksum(
          type,
          last.get().hex(),
          ResolvedChecksum.Origin.CACHE,
          last.get().resolved(),
          e.getMessage());
    }
    String hex =
        SumsFile.find(new String(bytes, StandardCharsets.UTF_8), name, type)
            .orElseThrow(
                () ->
                    new GenVmException(
                        ExitCode.DOWNLOAD_FAILED, sums + ": no checksum for '" + name + "'"));
    log.debug("{}: {} {} for '{}'", sums, type, hex, name);
    if (dryRun == null) {
      cache.recordResolved(type, sums, name, hex);
    }
    return new ResolvedChecksum(type, hex, ResolvedChecksum.Origin.SUMS_FILE, null, null);
  }

  byte[] readSmall(URI uri, DownloadListener listener) {
    if (isFile(uri)) {
      Path path = localPath(uri);
      try {
        if (!Files.isRegularFile(path)) {
          throw new GenVmException(ExitCode.DOWNLOAD_FAILED, path + ": no such file");
        }
        if (Files.size(path) > SUMS_FILE_LIMIT) {
          throw new GenVmException(
              ExitCode.DOWNLOAD_FAILED,
              path
                  + ": larger than "
                  + (SUMS_FILE_LIMIT >> 20)
                  + " MiB; is it really a sums file?");
        }
        return Files.readAllBytes(path);
      } catch (ClosedByInterruptException e) {
        throw HttpTransfer.interrupted();
      } catch (IOException e) {
        throw new GenVmException(ExitCode.DOWNLOAD_FAILED, path + ": " + e.getMessage(), e);
      }
    }
    MemorySink sink = new MemorySink(SUMS_FILE_LIMIT);
    DownloadListener retriesOnly =
        new DownloadListener() {
          @Override
          public void retrying(
              URI source, int attempt, int maxAttempts, java.time.Duration delay, String reason) {
            listener.retrying(source, attempt, maxAttempts, delay, reason);
          }
        };
    transfer.run(uri, sink, retriesOnly);
    return sink.bytes();
  }

  // ---- local files

  private FetchResult hashLocal(URI source, String type, String hex, DownloadListener listener) {
    Path path = localPath(source);
    if (!Files.isRegularFile(path)) {
      throw new GenVmException(ExitCode.DOWNLOAD_FAILED, path + ": no such file");
    }
    String actual;
    long done = 0;
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = channel.size();
      listener.started(source, size, 0);
      Hasher hasher = Checksums.newHasher(type);
      ByteBuffer buffer = ByteBuffer.allocate(settings.bufferSize());
      long lastReport = System.nanoTime();
      while (channel.read(buffer) >= 0) {
        buffer.flip();
        done += buffer.remaining();
        hasher.update(buffer);
        buffer.clear();
        if (Thread.interrupted()) {
          throw HttpTransfer.interrupted();
        }
        long now = System.nanoTime();
        if (now - lastReport > LOCAL_PROGRESS_NANOS) {
          lastReport = now;
          listener.progress(done, size);
        }
      }
      listener.progress(done, size);
      actual = hasher.hexDigest();
    } catch (ClosedByInterruptException e) {
      throw HttpTransfer.interrupted();
    } catch (IOException e) {
      throw new GenVmException(ExitCode.DOWNLOAD_FAILED, path + ": " + e.getMessage(), e);
    }
    if (!actual.equals(hex)) {
      throw mismatch(path.toString(), type, hex, actual);
    }
    listener.finished(source, done);
    return new FetchResult(path, type, hex, false, 0, source);
  }

  private static GenVmException mismatch(String what, String type, String hex, String actual) {
    return new GenVmException(
        ExitCode.CHECKSUM_MISMATCH,
        what + ": checksum mismatch: expected " + type + " " + hex + ", got " + actual);
  }

  // ---- the cache

  @SuppressWarnings("try") // the lock is held for the body
  private FetchLease fetchIntoCache(
      URI source, String type, String hex, DownloadListener listener, DownloadCopy copy) {
    Path lockPath = cache.lockPath(type, hex);
    try {
      EntryLock reading = lockForReading(source, type, hex);
      if (reading == null) {
        Optional<FetchResult> unlocked = hit(source, type, hex, false);
        if (unlocked.isPresent()) {
          return new FetchLease(unlocked.get(), null);
        }
        throw new GenVmException(
            ExitCode.DOWNLOAD_FAILED,
            lockPath + ": cannot be written; make the cache folder writable or pass --cache-dir");
      }
      boolean keep = false;
      try {
        Optional<FetchResult> hit = hit(source, type, hex, false);
        FetchResult fetched;
        if (hit.isPresent()) {
          fetched = hit.get();
        } else {
          try (EntryLock writing =
              cache.lockWriting(
                  reading,
                  otherProcess -> {
                    if (otherProcess) {
                      log.info("waiting for another process that is downloading {}", source);
                    }
                  })) {
            hit = hit(source, type, hex, true);
            fetched = hit.isPresent() ? hit.get() : download(source, type, hex, listener, copy);
          }
        }
        keep = true;
        return new FetchLease(fetched, reading);
      } finally {
        if (!keep) {
          reading.close();
          cache.removeUnusedLock(type, hex);
        }
      }
    } catch (ClosedByInterruptException | FileLockInterruptionException e) {
      throw HttpTransfer.interrupted();
    } catch (InterruptedException e) {
      throw HttpTransfer.interrupted();
    } catch (IOException e) {
      // the cache's file system failed: name the file it failed on (the lock, an entry's record)
      Path file =
          e instanceof java.nio.file.FileSystemException f && f.getFile() != null
              ? Path.of(f.getFile())
              : lockPath;
      String message =
          e.getMessage() != null && e.getMessage().startsWith(cache.dir() + "/")
              ? e.getMessage()
              : IoErrors.withFile(file, e);
      throw new GenVmException(ExitCode.TOOL_FAILED, message, e);
    }
  }

  /**
   * The entry's lock held shared; {@code null} when the lock file cannot be written (a read-only
   * cache) but the entry is there, which is then used without a lock, as nothing can remove it.
   */
  private EntryLock lockForReading(URI source, String type, String hex)
      throws IOException, InterruptedException {
    try {
      return lockEntry(source, type, hex);
    } catch (java.nio.file.FileSystemException e) {
      if (Files.isRegularFile(cache.entryPath(type, hex))) {
        log.debug("{}: cannot lock {} ({}); reading it unlocked", source, hex, e.toString());
        return null;
      }
      throw e;
    }
  }

  /** The entry's lock held shared, waiting for a removal (or an older version's download). */
  private EntryLock lockEntry(URI source, String type, String hex)
      throws IOException, InterruptedException {
    return cache.lock(
        type,
        hex,
        true,
        otherProcess -> {
          if (otherProcess) {
            log.info("waiting for another process that has locked the cache entry of {}", source);
          }
        });
  }

  /**
   * The verified entry, if present and of the size its metadata records. A wrong size is only acted
   * on under the entry's lock: the entry is deleted and downloaded again.
   */
  private Optional<FetchResult> hit(URI source, String type, String hex, boolean locked) {
    Path file = cache.entryPath(type, hex);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    Optional<DownloadCache.EntryInfo> info = cache.readInfo(type, hex);
    long size;
    try {
      size = Files.size(file);
    } catch (IOException e) {
      return Optional.empty();
    }
    if (!sizeMatches(info, size)) {
      long recorded = info.map(DownloadCache.EntryInfo::size).orElse(-1L);
      if (locked) {
        log.warn("{}: {} bytes, but {} were stored; downloading it again", file, size, recorded);
        try {
          Files.deleteIfExists(file);
          Files.deleteIfExists(cache.infoPath(type, hex));
        } catch (IOException e) {
          String message =
              e.getMessage() != null && e.getMessage().startsWith(cache.dir() + "/")
                  ? e.getMessage()
                  : IoErrors.withFile(file, e);
          throw new GenVmException(ExitCode.TOOL_FAILED, message, e);
        }
      }
      return Optional.empty();
    }
    log.debug("{}: in the cache as {}", source, file);
    cache.touch(type, hex, info, size, source);
    URI first = info.map(DownloadCache.EntryInfo::source).orElse(null);
    return Optional.of(new FetchResult(file, type, hex, true, 0, source, first));
  }

  /**
   * Whether an entry of {@code size} bytes may be used: its metadata, when there is any, records
   * that size. A fetch and a dry run's {@link CacheState} ask the same.
   */
  static boolean sizeMatches(Optional<DownloadCache.EntryInfo> info, long size) {
    long recorded = info.map(DownloadCache.EntryInfo::size).orElse(-1L);
    return size >= 0 && (recorded < 0 || recorded == size);
  }

  /** What the cache holds for a digest, found without locking or changing anything. */
  public CacheState cacheState(Digest digest) {
    return CacheState.of(cache, digest);
  }

  private FetchResult download(
      URI source, String type, String hex, DownloadListener listener, DownloadCopy copy)
      throws IOException {
    Path part = cache.partPath(type, hex);
    long network = 0;
    for (int pass = 1; ; pass++) {
      FileSink sink = FileSink.open(cache, type, hex, settings.bufferSize(), copy);
      String actual = null;
      try {
        if (sink.resumedBytes() > 0) {
          // the listener's start says it to the user ("resuming at ..."), once
          log.debug("{}: resuming after {} bytes from an earlier run", source, sink.resumedBytes());
        }
        network += transfer.run(source, sink, listener);
        try {
          actual = sink.finish();
        } catch (java.nio.channels.ClosedByInterruptException e) {
          throw e;
        } catch (IOException e) {
          throw sink.failure(e, -1);
        }
      } finally {
        closeQuietly(sink);
        if (actual == null && sink.size() == 0) {
          // nothing to resume: leave no empty partial behind
          Files.deleteIfExists(part);
          Files.deleteIfExists(cache.partInfoPath(type, hex));
        }
      }
      if (!actual.equals(hex)) {
        Files.deleteIfExists(part);
        Files.deleteIfExists(cache.partInfoPath(type, hex));
        if (pass == 1 && sink.keptEarlierBytes()) {
          log.warn(
              "{}: the download resumed from an earlier run did not verify;"
                  + " downloading it again from the start",
              source);
          continue;
        }
        throw mismatch(source.toString(), type, hex, actual);
      }
      long size = Files.size(part);
      Path target = cache.entryPath(type, hex);
      Files.move(part, target, StandardCopyOption.ATOMIC_MOVE);
      FileSync.forceDirectory(Folders.of(target));
      Files.deleteIfExists(cache.partInfoPath(type, hex));
      Instant now = Instant.now();
      cache.writeInfo(type, hex, new DownloadCache.EntryInfo(source, size, now, now));
      if (copy != null && sink.copyComplete()) {
        copy.markComplete();
      }
      listener.finished(source, size);
      return new FetchResult(target, type, hex, false, network, source);
    }
  }

  private static void closeQuietly(FileSink sink) {
    try {
      sink.close();
    } catch (IOException e) {
      log.debug("closing {}: {}", sink.part(), e.toString());
    }
  }
}
