package org.genvmimage.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.testing.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fetches whose sums file must be signed, over the loopback server: nothing is downloaded before
 * the signature verifies, and the offline fallback uses only a digest whose signature verified.
 */
@Timeout(30)
class SignedSumsFetchTest {
  private static final DownloadSettings FAST =
      new DownloadSettings(
          2,
          Duration.ofMillis(10),
          Duration.ofMillis(50),
          Duration.ofSeconds(2),
          Duration.ofSeconds(5),
          64 * 1024);

  static TestKeys debian;

  @TempDir Path tmp;
  TestHttpServer server;
  DownloadCache cache;
  final byte[] image = TestHttpServer.randomBytes(256 * 1024, 7);
  byte[] sums;
  Path keyFile;

  @BeforeAll
  static void keys() {
    debian = TestKeys.generate("debian cloud");
  }

  @BeforeEach
  void setUp() throws IOException {
    server = TestHttpServer.start();
    cache = new DownloadCache(tmp.resolve("cache"));
    sums =
        (TestHttpServer.sha256(image) + "  debian-12-genericcloud-amd64.qcow2\n")
            .getBytes(StandardCharsets.US_ASCII);
    server.serve("/img/debian-12-genericcloud-amd64.qcow2", image);
    server.serve("/img/SHA256SUMS", sums);
    keyFile = Files.write(tmp.resolve("debian.asc"), debian.publicKey(true));
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  FetchRequest request(SumsSignature signing) {
    return new FetchRequest(
        server.uri("/img/debian-12-genericcloud-amd64.qcow2"),
        "sha256",
        null,
        server.uri("/img/SHA256SUMS"),
        signing);
  }

  SumsSignature signing(URI signature) {
    return new SumsSignature(signature, List.of(keyFile), List.of("keys/debian.asc"));
  }

  @Test
  void aVerifiedSumsFileFetchesAndRecordsItsSigner() {
    server.serve("/img/SHA256SUMS.gpg", debian.sign(sums, false));
    FetchRequest request = request(signing(server.uri("/img/SHA256SUMS.gpg")));

    ResolvedChecksum resolved = new Downloader(cache, FAST).checksum(request, null);
    assertThat(resolved.signedBy()).isEqualTo(debian.fingerprint());
    new Downloader(cache, FAST).fetch(request, null);

    server.close(); // offline now: the digest recorded with its signer is used
    ResolvedChecksum offline = new Downloader(cache, FAST).checksum(request, null);
    assertThat(offline.origin()).isEqualTo(ResolvedChecksum.Origin.CACHE);
    assertThat(offline.signedBy()).isEqualTo(debian.fingerprint());
  }

  @Test
  void aMissingSignatureFailsBeforeTheImageIsRequested() {
    server.status("/img/SHA256SUMS.gpg", 404);
    FetchRequest request = request(signing(server.uri("/img/SHA256SUMS.gpg")));

    GenVmException e =
        catchThrowableOfType(
            GenVmException.class, () -> new Downloader(cache, FAST).fetch(request, null));

    assertThat(e.exitCode()).isEqualTo(ExitCode.CHECKSUM_MISMATCH.code());
    assertThat(e.getMessage())
        .isEqualTo(
            server.uri("/img/SHA256SUMS")
                + ": no signature: "
                + server.uri("/img/SHA256SUMS.gpg")
                + ": HTTP 404 Not Found (expected a signature by "
                + debian.fingerprint()
                + " from keys/debian.asc); nothing from it is trusted");
    assertThat(server.requests("/img/debian-12-genericcloud-amd64.qcow2")).isEmpty();
    assertThat(cache.lastResolved("sha256", server.uri("/img/SHA256SUMS"), "x")).isEmpty();
  }

  @Test
  void offlineAnUnverifiedRecordIsNotUsedWhenKeysAreGiven() {
    new Downloader(cache, FAST).checksum(request(null), null); // read without a signature
    URI sumsUrl = server.uri("/img/SHA256SUMS");
    server.close();

    GenVmException e =
        catchThrowableOfType(
            GenVmException.class,
            () ->
                new Downloader(cache, FAST)
                    .checksum(request(signing(URI.create(sumsUrl + ".gpg"))), null));

    assertThat(e.exitCode()).isEqualTo(ExitCode.DOWNLOAD_FAILED.code());
    assertThat(e.getMessage())
        .startsWith(sumsUrl.toString())
        .endsWith(
            "; the digest the cache recorded from it earlier is not used: it was not verified by"
                + " a signature from keys/debian.asc");
    // without keys, the same record is used
    assertThat(new Downloader(cache, FAST).checksum(request(null), null).origin())
        .isEqualTo(ResolvedChecksum.Origin.CACHE);
  }
}
