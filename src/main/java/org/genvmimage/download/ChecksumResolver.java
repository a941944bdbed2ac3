package org.genvmimage.download;

import java.io.IOException;
import java.net.URI;
import java.nio.channels.ClosedByInterruptException;
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
 * the cache). With signing keys ({@link FetchRequest#signing}), the sums file's signature is
 * verified first ({@link SignedSums}), and the offline fallback uses only a digest whose signature
 * verified with one of those keys.
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
    SumsSignature signing = request.signing();
    byte[] bytes;
    try {
      bytes = read(sums, listener, dryRun);
    } catch (GenVmException e) {
      if (e.exitCode() == ExitCode.INTERRUPTED.code()) {
        throw e;
      }
      return lastResolved(request, type, e, dryRun);
    }
    SignedSums.Text text;
    if (signing == null) {
      text = SignedSums.unverified(bytes);
    } else {
      OpenPgpKeys keys = keys(signing);
      byte[] detached = null;
      if (signing.signature() != null) {
        checkScheme(signing.signature());
        try {
          detached = read(signing.signature(), listener, dryRun);
        } catch (GenVmException e) {
          if (e.exitCode() == ExitCode.INTERRUPTED.code()) {
            throw e;
          }
          throw SignedSums.failure(sums, signing, keys, "no signature: " + e.getMessage());
        }
      }
      text = SignedSums.verify(sums, bytes, detached, signing, keys);
      log.debug("{}: signed by {}", sums, text.signedBy());
    }
    String hex = null;
    for (String candidate : request.fileNames()) {
      // mirrors normally share the file name; the first name the sums file lists is the one
      hex = SumsFile.find(text.text(), candidate, type).orElse(null);
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
      cache.recordResolved(digest, sums, name, text.signedBy());
    }
    return new ResolvedChecksum(
        digest, ResolvedChecksum.Origin.SUMS_FILE, null, null, text.signedBy());
  }

  private byte[] read(URI uri, DownloadListener listener, SumsFileMemo dryRun) {
    return dryRun == null
        ? readSmall(uri, listener)
        : dryRun.read(uri, u -> readSmall(u, listener));
  }

  /**
   * What the sums file listed the last time it was read, when it cannot be read now ({@code
   * failure}); with signing keys, only a record whose signature verified with one of them.
   */
  private ResolvedChecksum lastResolved(
      FetchRequest request, String type, GenVmException failure, SumsFileMemo dryRun) {
    URI sums = request.sumsFile();
    String name = request.fileName();
    Optional<SumsRecords.SumsRecord> last = cache.lastResolved(type, sums, name);
    if (last.isEmpty()) {
      throw failure;
    }
    SumsSignature signing = request.signing();
    if (signing != null) {
      String by = last.get().verifiedBy();
      if (by == null || !keys(signing).fingerprints().contains(by)) {
        throw new GenVmException(
            failure.exitCode(),
            failure.getMessage()
                + "; the digest the cache recorded from it earlier is not used: it was not"
                + " verified by a signature from "
                + signing.keysLabel(),
            failure);
      }
    }
    if (dryRun == null) {
      log.warn(
          "{}; using the {} checksum it listed for '{}' on {}: {}",
          failure.getMessage(),
          type,
          name,
          last.get().resolved(),
          last.get().digest().hex());
    }
    return new ResolvedChecksum(
        last.get().digest(),
        ResolvedChecksum.Origin.CACHE,
        last.get().resolved(),
        failure.getMessage(),
        signing == null ? null : last.get().verifiedBy());
  }

  /** The signing keys; INVALID_INPUT when a key file cannot be read (it was when it was loaded). */
  private static OpenPgpKeys keys(SumsSignature signing) {
    try {
      return OpenPgpKeys.load(signing.keyFiles());
    } catch (IllegalArgumentException e) {
      throw new GenVmException(ExitCode.INVALID_INPUT, e.getMessage(), e);
    }
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
