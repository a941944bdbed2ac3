package org.genvmimage.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link UnverifiedFetch} alone: a download without a checksum, from mirrors on loopback servers,
 * filed under the digest of the bytes received, with a recording listener.
 */
class UnverifiedFetchTest {
  private static final DownloadSettings ONE_TRY =
      new DownloadSettings(
          1,
          Duration.ofMillis(10),
          Duration.ofSeconds(30),
          Duration.ofSeconds(10),
          Duration.ofSeconds(10),
          64 * 1024);

  @TempDir Path tmp;
  private TestHttpServer first;
  private TestHttpServer second;
  private DownloadCache cache;
  private HttpTransfer transfer;
  private UnverifiedFetch fetch;
  private final byte[] content = TestHttpServer.randomBytes(2 * 1024 * 1024 + 5, 11);

  @BeforeEach
  void setUp() {
    first = TestHttpServer.start();
    second = TestHttpServer.start();
    cache = new DownloadCache(tmp.resolve("cache"));
    transfer = new HttpTransfer(ONE_TRY);
    fetch = new UnverifiedFetch(cache, ONE_TRY, transfer);
  }

  @AfterEach
  void tearDown() {
    transfer.close();
    first.close();
    second.close();
  }

  @Test
  void aFailingMirrorHandsOverAndTheFileIsFiledUnderTheDigestOfItsBytes() throws Exception {
    first.serve("/disk.img", content).cutAfter(512 * 1024, 100);
    second.serve("/disk.img", content);
    RecordingListener listener = new RecordingListener();
    URI a = first.uri("/disk.img");
    URI b = second.uri("/disk.img");
    String hex = TestHttpServer.sha256(content);

    FetchResult result;
    try (FetchLease lease = fetch.fetch(List.of(a, b), "sha256", listener)) {
      result = lease.result();
      assertThat(result.digest()).isEqualTo(new Digest("sha256", hex));
      assertThat(result.file()).isEqualTo(cache.entryPath(result.digest()));
      assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
    }
    assertThat(result.source()).isEqualTo(b);
    assertThat(result.cacheHit()).isFalse();
    // nothing resumes an unverified download: the second mirror sends it all, after the cut part
    assertThat(second.requests("/disk.img").get(0).header("Range")).isNull();
    assertThat(result.bytesDownloaded()).isGreaterThan(content.length);
    assertThat(listener.events).contains("finished " + content.length);
    // no partial file is left behind under the staging key or the digest
    assertThat(Files.exists(cache.partPath(UnverifiedFetch.staging(a, "sha256")))).isFalse();
    assertThat(Files.exists(cache.partPath(result.digest()))).isFalse();

    try (FetchLease again = fetch.fetch(List.of(b), "sha256", new RecordingListener())) {
      assertThat(again.result().cacheHit()).as("the same bytes are held already").isTrue();
      assertThat(again.result().digest()).isEqualTo(result.digest());
    }
  }

  @Test
  void whenTheLastMirrorFailsItsErrorEndsTheFetchAndNothingIsFiled() throws Exception {
    first.status("/disk.img", 503);
    second.status("/disk.img", 404);
    URI a = first.uri("/disk.img");
    URI b = second.uri("/disk.img");

    assertThatThrownBy(() -> fetch.fetch(List.of(a, b), "sha256", new RecordingListener()))
        .isInstanceOf(GenVmException.class)
        .satisfies(
            e ->
                assertThat(((GenVmException) e).exitCode())
                    .isEqualTo(ExitCode.DOWNLOAD_FAILED.code()))
        .hasMessageContaining(b.toString())
        .hasMessageContaining("404");
    assertThat(first.requests("/disk.img")).hasSize(1);
    assertThat(Files.exists(cache.partPath(UnverifiedFetch.staging(a, "sha256")))).isFalse();
  }
}
