package org.genvmimage.download;

import java.net.URI;
import java.util.List;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

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
 *   <li><b>Mirrors.</b> A request with mirrors tries its URLs in order: a mirror that refuses,
 *       answers an error status, stalls or sends a file that does not verify hands over to the next
 *       at once (only the last gets the usual retries); a cut download resumes from the next one.
 *       When all fail, one message names each and what it did.
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
  private final DownloadCache cache;
  private final DownloadSettings settings;
  private final HttpTransfer transfer;
  private final ChecksumResolver checksums;
  private final CacheFetch fetches;
  private final UnverifiedFetch unverified;

  public Downloader(DownloadCache cache, DownloadSettings settings) {
    this.cache = cache;
    this.settings = settings;
    this.transfer = new HttpTransfer(settings);
    this.checksums = new ChecksumResolver(cache, transfer);
    this.fetches = new CacheFetch(cache, settings, transfer);
    this.unverified = new UnverifiedFetch(cache, settings, transfer);
  }

  /**
   * Releases what the downloader holds (call when no fetch is running or will run). Each fetch's
   * connection and reader thread end with the fetch, so today there is nothing left to stop.
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
  public Digest resolveChecksum(FetchRequest request) {
    return checksum(request, null).digest();
  }

  /**
   * The digest a request expects and where it came from, checked and looked up as {@link #fetch}
   * does. With a {@code dryRun} memo, a sums file is read through it into memory only and nothing
   * is recorded in the cache; without one, what the sums file listed is recorded for the offline
   * fallback.
   */
  public ResolvedChecksum checksum(FetchRequest request, SumsFileMemo dryRun) {
    return checksums.resolve(request, DownloadListener.NONE, dryRun);
  }

  /**
   * Reads a local file in place and returns it with its {@code type} digest: for a base image that
   * the architecture file gives without a checksum (nothing to verify, nothing cached).
   *
   * @throws GenVmException DOWNLOAD_FAILED when it is missing or cannot be read, INTERRUPTED
   */
  public FetchResult readLocal(URI source, String type, DownloadListener listener) {
    return LocalFiles.hash(
        source,
        ChecksumResolver.checkType(type),
        listener == null ? DownloadListener.NONE : listener,
        settings.bufferSize());
  }

  /**
   * Downloads a file that has no expected digest (an image given without a checksum) from the first
   * of {@code sources} (http(s) URLs, tried in order) that serves it, hashing it with {@code type}
   * on the way, and files it in the cache under that digest. Nothing is verified and nothing is
   * resumed: every call downloads the file again, as the server may serve other bytes by now. The
   * entry stays locked shared until the lease is closed.
   *
   * @throws GenVmException DOWNLOAD_FAILED when no source serves it, INTERRUPTED
   */
  public FetchLease fetchUnverified(List<URI> sources, String type, DownloadListener listener) {
    ChecksumResolver.checkType(type);
    for (URI each : sources) {
      ChecksumResolver.checkScheme(each);
      if (LocalFiles.isFile(each)) {
        throw new GenVmException(ExitCode.INVALID_INPUT, each + ": not an http(s) URL");
      }
    }
    try {
      return unverified.fetch(sources, type, listener == null ? DownloadListener.NONE : listener);
    } catch (GenVmException e) {
      if (e.exitCode() == ExitCode.INTERRUPTED.code()) {
        Thread.currentThread().interrupt();
      }
      throw e;
    }
  }

  /** What the cache holds for a digest, found without locking or changing anything. */
  public CacheState cacheState(Digest digest) {
    return CacheState.of(cache, digest);
  }

  private FetchLease doFetch(FetchRequest request, DownloadListener listener, DownloadCopy copy) {
    if (Thread.interrupted()) {
      throw HttpFailures.interrupted();
    }
    ChecksumResolver.checkType(request.checksumType());
    URI source = request.source();
    for (URI each : request.sources()) {
      ChecksumResolver.checkScheme(each);
    }
    if (request.sumsFile() != null) {
      ChecksumResolver.checkScheme(request.sumsFile());
    }
    Digest digest = checksums.resolve(request, listener, null).digest();
    if (LocalFiles.isFile(source) && request.mirrors().isEmpty()) {
      return new FetchLease(
          LocalFiles.verify(source, digest, listener, settings.bufferSize()), null);
    }
    for (URI each : request.sources()) {
      if (LocalFiles.isFile(each)) {
        throw new GenVmException(
            ExitCode.INVALID_INPUT, each + ": a mirror list holds http(s) URLs only");
      }
    }
    return fetches.fetch(request.sources(), digest, listener, copy);
  }
}
