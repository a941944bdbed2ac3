package org.genvmimage.download;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.ClosedByInterruptException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The digest a {@link FetchRequest} expects: its checked hex value, or what its sums file lists for
 * the source's file name; when the sums file cannot be read, what it listed the last time (kept in
 * the cache).
 */
final class ChecksumResolver {
  private static final Logger log = LoggerFactory.getLogger(ChecksumResolver.class);

  /** The largest sums file read (they hold a few lines per image). */
  static final int SUMS_FILE_LIMIT = 16 << 20;

  private final DownloadCache cache;
  private final HttpTransfer transfer;

  ChecksumResolver(DownloadCache cache, HttpTransfer transfer) {
    this.cache = cache;
    this.transfer = transfer;
  }

  /**
   * The expected digest; see {@link Downloader#checksum}.
   *
   * @param listener hears the retries of a sums file's download
   */
  ResolvedChecksum resolve(FetchRequest request, DownloadListener listener, SumsFileMemo dryRun) {
    String type = checkType(request.checksumType());
    if (request.expectedHex() != null) {
      return new ResolvedChecksum(
          digest(request.source(), type, request.expectedHex()),
          ResolvedChecksum.Origin.GIVEN,
          null,
          null);
    }
    checkScheme(request.sumsFile());
    return resolveFromSums(request, type, listener, dryRun);
  }

  /** The canonical name of a supported type; INVALID_INPUT for another. */
  static String checkType(String checksumType) {
    if (!Checksums.isSupported(checksumType)) {
      throw new GenVmException(ExitCode.INVALID_INPUT, Checksums.unknownType(checksumType));
    }
    return Checksums.canonicalName(checksumType);
  }

  private static Digest digest(URI source, String type, String value) {
    try {
      return new Digest(type, value);
    } catch (IllegalArgumentException e) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT,
          source
              + ": checksum '"
              + value
              + "' is not a "
              + type
              + " digest ("
              + Checksums.hexLength(type)
              + " hex digits)");
    }
  }

  /** Refuses a URL that is not http, https or file. */
  static void checkScheme(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https") && !scheme.equals("file")) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT,
          uri + ": unsupported URL scheme '" + scheme + "' (use http, https or file)");
    }
  }

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
      Optional<SumsRecords.SumsRecord> last = cache.lastResolved(type, sums, name);
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
            last.get().digest().hex());
      }
      return new ResolvedChecksum(
          last.get().digest(),
          ResolvedChecksum.Origin.CACHE,
          last.get().resolved(),
          e.getMessage());
    }
    String text = new String(bytes, StandardCharsets.UTF_8);
    String hex = null;
    for (String candidate : request.fileNames()) {
      // mirrors normally share the file name; the first name the sums file lists is the one
      hex = SumsFile.find(text, candidate, type).orElse(null);
      if (hex != null) {
        name = candidate;
        break;
      }
    }
    if (hex == null) {
      throw new GenVmException(
          ExitCode.DOWNLOAD_FAILED,
          sums + ": no checksum for '" + String.join("' or '", request.fileNames()) + "'");
    }
    log.debug("{}: {} {} for '{}'", sums, type, hex, name);
    Digest digest = new Digest(type, hex);
    if (dryRun == null) {
      cache.recordResolved(digest, sums, name);
    }
    return new ResolvedChecksum(digest, ResolvedChecksum.Origin.SUMS_FILE, null, null);
  }

  /** A small file (at most {@link #SUMS_FILE_LIMIT}) from a local path or over HTTP. */
  byte[] readSmall(URI uri, DownloadListener listener) {
    if (LocalFiles.isFile(uri)) {
      Path path = LocalFiles.path(uri);
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
        throw HttpFailures.interrupted();
      } catch (IOException e) {
        throw new GenVmException(ExitCode.DOWNLOAD_FAILED, path + ": " + e.getMessage(), e);
      }
    }
    MemorySink sink = new MemorySink(SUMS_FILE_LIMIT);
    DownloadListener retriesOnly =
        new DownloadListener() {
          @Override
          public void retrying(
              URI source, int attempt, int maxAttempts, Duration delay, String reason) {
            listener.retrying(source, attempt, maxAttempts, delay, reason);
          }
        };
    transfer.run(uri, sink, retriesOnly);
    return sink.bytes();
  }
}
