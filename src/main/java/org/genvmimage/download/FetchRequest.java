package org.genvmimage.download;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * What to fetch and how to verify it: a source URL ({@code http}, {@code https} or {@code file})
 * and either the expected hex digest or the URL of a sums file that lists it.
 *
 * @param source where the file comes from
 * @param checksumType a hashlib name, e.g. {@code sha256} (see {@link Checksums})
 * @param expectedHex the expected digest in hex, or {@code null} when {@code sumsFile} is given
 * @param sumsFile a {@code SHA256SUMS}/{@code CHECKSUM}-style file that lists the digest of the
 *     source's file name, or {@code null} when {@code expectedHex} is given
 * @param signing the keys that must have signed the sums file, or {@code null}
 * @param mirrors further URLs of the same file, tried in order after {@code source} (see {@link
 *     Downloader}); empty for one source
 */
public record FetchRequest(
    URI source,
    String checksumType,
    String expectedHex,
    URI sumsFile,
    SumsSignature signing,
    List<URI> mirrors) {

  public FetchRequest {
    Objects.requireNonNull(source, "source");
    Objects.requireNonNull(checksumType, "checksumType");
    if ((expectedHex == null) == (sumsFile == null)) {
      throw new IllegalArgumentException("give exactly one of expectedHex and sumsFile");
    }
    if (signing != null && sumsFile == null) {
      throw new IllegalArgumentException("only a sums file can be signed");
    }
    mirrors = List.copyOf(mirrors);
  }

  /** A request for a single source whose sums file, if any, need not be signed. */
  public FetchRequest(URI source, String checksumType, String expectedHex, URI sumsFile) {
    this(source, checksumType, expectedHex, sumsFile, null, List.of());
  }

  /** A request for a single source whose sums file must be signed by {@code signing}. */
  public FetchRequest(
      URI source, String checksumType, String expectedHex, URI sumsFile, SumsSignature signing) {
    this(source, checksumType, expectedHex, sumsFile, signing, List.of());
  }

  /** A request for the first of {@code sources}, the others its mirrors; no signature needed. */
  public static FetchRequest of(
      List<URI> sources, String checksumType, String expectedHex, URI sumsFile) {
    return of(sources, checksumType, expectedHex, sumsFile, null);
  }

  /**
   * A request for the first of {@code sources}, the others being its mirrors.
   *
   * @throws IllegalArgumentException when {@code sources} is empty
   */
  public static FetchRequest of(
      List<URI> sources,
      String checksumType,
      String expectedHex,
      URI sumsFile,
      SumsSignature signing) {
    if (sources.isEmpty()) {
      throw new IllegalArgumentException("no source");
    }
    return new FetchRequest(
        sources.get(0),
        checksumType,
        expectedHex,
        sumsFile,
        signing,
        sources.subList(1, sources.size()));
  }

  /** Every URL of the file, in the order they are tried: {@code source}, then the mirrors. */
  public List<URI> sources() {
    List<URI> all = new ArrayList<>(1 + mirrors.size());
    all.add(source);
    all.addAll(mirrors);
    return List.copyOf(all);
  }

  /**
   * The distinct file names of {@link #sources()}, in order: a sums file is looked up by the first
   * it lists (mirrors normally share one name).
   */
  public List<String> fileNames() {
    return sources().stream().map(FetchRequest::fileNameOf).distinct().toList();
  }

  /** A request verified against a known hex digest. */
  public static FetchRequest withChecksum(URI source, String checksumType, String expectedHex) {
    return new FetchRequest(source, checksumType, Objects.requireNonNull(expectedHex), null);
  }

  /** A request whose digest is looked up in a sums file by the source's file name. */
  public static FetchRequest withSumsFile(URI source, String checksumType, URI sumsFile) {
    return new FetchRequest(source, checksumType, null, Objects.requireNonNull(sumsFile));
  }

  /** The last segment of the source's path, percent-decoded: the name a sums file lists. */
  public String fileName() {
    return fileNameOf(source);
  }

  static String fileNameOf(URI uri) {
    String path = uri.getPath();
    if (path == null) {
      path = uri.getSchemeSpecificPart();
    }
    if (path == null) {
      return "";
    }
    while (path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    return path.substring(path.lastIndexOf('/') + 1);
  }
}
