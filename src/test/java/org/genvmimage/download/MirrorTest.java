package org.genvmimage.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A list of mirrors: each failing one hands over to the next at once, and a cut resumes there. */
@Timeout(60)
class MirrorTest {
  /** A backoff long enough that one wait for a retry would show in the elapsed time. */
  private static final Duration BACKOFF = Duration.ofSeconds(3);

  private static final DownloadSettings SLOW_RETRIES =
      new DownloadSettings(
          5,
          BACKOFF,
          Duration.ofSeconds(30),
          Duration.ofSeconds(2),
          Duration.ofMillis(400),
          64 * 1024);

  @TempDir Path tmp;

  private TestHttpServer server;
  private TestHttpServer second;
  private DownloadCache cache;
  private Downloader downloader;
  private final byte[] content = TestHttpServer.randomBytes(3 * 1024 * 1024 + 17, 7);
  private final String hex = TestHttpServer.sha256(content);

  @BeforeEach
  void setUp() {
    server = TestHttpServer.start();
    second = TestHttpServer.start();
    cache = new DownloadCache(tmp.resolve("cache"));
    downloader = new Downloader(cache, SLOW_RETRIES);
  }

  @AfterEach
  void tearDown() {
    downloader.close();
    server.close();
    second.close();
  }

  private static URI closedPort() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    return URI.create("http://127.0.0.1:" + port + "/disk.img");
  }

  private FetchResult fetch(List<URI> mirrors, RecordingListener listener) {
    return downloader.fetch(FetchRequest.of(mirrors, "sha256", hex, null), listener);
  }

  @Test
  void failingMirrorsHandOverAtOnceAndTheLastServes() throws IOException {
    server.status("/missing.img", 404);
    server.status("/broken.img", 500);
    server.serve("/stalled.img", content).stallAfter(0, 100);
    server.serve("/wrong.img", TestHttpServer.randomBytes(content.length, 8));
    second.serve("/disk.img", content);
    List<URI> mirrors =
        List.of(
            closedPort(),
            server.uri("/missing.img"),
            server.uri("/broken.img"),
            server.uri("/stalled.img"),
            server.uri("/wrong.img"),
            second.uri("/disk.img"));
    RecordingListener listener = new RecordingListener();

    long start = System.nanoTime();
    FetchResult result = fetch(mirrors, listener);
    Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

    assertThat(result.source()).isEqualTo(second.uri("/disk.img"));
    assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
    // one retry of the 500 alone would wait BACKOFF; the retries' total is several times that
    assertThat(elapsed).isLessThan(BACKOFF.minusMillis(500));
    assertThat(server.requests("/broken.img")).hasSize(1);
    assertThat(server.requests("/missing.img")).hasSize(1);
    assertThat(listener.retryReasons).isEmpty();
  }

  @Test
  void aCutDownloadResumesFromTheNextMirror() throws IOException {
    server.serve("/disk.img", content).cutAfter(1024 * 1024, 100);
    second.serve("/disk.img", content);

    FetchResult result =
        fetch(List.of(server.uri("/disk.img"), second.uri("/disk.img")), new RecordingListener());

    assertThat(result.source()).isEqualTo(second.uri("/disk.img"));
    assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
    List<TestHttpServer.Request> requests = second.requests("/disk.img");
    assertThat(requests).hasSize(1);
    String range = requests.get(0).header("Range");
    assertThat(range).startsWith("bytes=").isNotEqualTo("bytes=0-");
    long offset = Long.parseLong(range.substring("bytes=".length(), range.length() - 1));
    assertThat(offset).isPositive();
    // the bytes received from the first mirror count too: every byte came over the network once
    assertThat(result.bytesDownloaded()).isEqualTo(content.length);
    // the first mirror's validators mean nothing to another server
    assertThat(requests.get(0).header("If-Range")).isNull();
  }

  @Test
  void aMirrorWithAnotherFileIsTriedAgainFromTheFirstByteBeforeMovingOn() throws IOException {
    byte[] other = TestHttpServer.randomBytes(content.length, 9);
    server.serve("/disk.img", content).cutAfter(1024 * 1024, 100);
    second.serve("/disk.img", other);
    server.serve("/good/disk.img", content);

    FetchResult result =
        fetch(
            List.of(server.uri("/disk.img"), second.uri("/disk.img"), server.uri("/good/disk.img")),
            new RecordingListener());

    assertThat(result.source()).isEqualTo(server.uri("/good/disk.img"));
    List<TestHttpServer.Request> onSecond = second.requests("/disk.img");
    assertThat(onSecond).hasSize(2);
    assertThat(onSecond.get(0).header("Range")).isNotNull();
    assertThat(onSecond.get(1).header("Range")).isNull();
    assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
    // a cut part, the rest of another file after it, that whole file again, then the good one
    assertThat(result.bytesDownloaded()).isEqualTo(3L * content.length);
  }

  @Test
  void whenEveryMirrorFailsOneLineNamesEach() throws IOException {
    server.status("/missing.img", 404);
    server.serve("/wrong.img", TestHttpServer.randomBytes(1000, 8));
    URI refused = closedPort();
    List<URI> mirrors = List.of(refused, server.uri("/missing.img"), server.uri("/wrong.img"));

    GenVmException e =
        catchThrowableOfType(GenVmException.class, () -> fetch(mirrors, new RecordingListener()));

    assertThat(e.exitCode()).isEqualTo(ExitCode.DOWNLOAD_FAILED.code());
    assertThat(e.getMessage())
        .doesNotContain("\n")
        .startsWith("every mirror failed: " + refused + ": ")
        .contains("; " + server.uri("/missing.img") + ": HTTP 404")
        .contains("; " + server.uri("/wrong.img") + ": checksum mismatch (got sha256 ")
        .endsWith("; expected sha256 " + hex);
    assertThat(Files.exists(cache.entryPath(new Digest("sha256", hex)))).isFalse();
  }

  @Test
  void whenEveryMirrorServesAnotherFileTheExitIsAMismatch() {
    server.serve("/a.img", TestHttpServer.randomBytes(1000, 8));
    second.serve("/a.img", TestHttpServer.randomBytes(1000, 9));

    GenVmException e =
        catchThrowableOfType(
            GenVmException.class,
            () ->
                fetch(
                    List.of(server.uri("/a.img"), second.uri("/a.img")), new RecordingListener()));

    assertThat(e.exitCode()).isEqualTo(ExitCode.CHECKSUM_MISMATCH.code());
  }

  @Test
  void aSecondRunIsServedByTheCacheWithoutAnyMirror() throws IOException {
    server.serve("/disk.img", content);
    List<URI> mirrors = new ArrayList<>(List.of(closedPort(), server.uri("/disk.img")));
    fetch(mirrors, new RecordingListener());
    server.close();

    FetchResult again = fetch(mirrors, new RecordingListener());

    assertThat(again.cacheHit()).isTrue();
  }

  @Test
  void aSumsFileIsSearchedForTheFileNameOfEachMirror() throws IOException {
    server.serve("/SHA256SUMS", (hex + "  rocky-9.qcow2\n").getBytes(StandardCharsets.UTF_8));
    second.serve("/pub/rocky-9.qcow2", content);
    FetchRequest request =
        FetchRequest.of(
            List.of(server.uri("/Rocky-9-latest.qcow2"), second.uri("/pub/rocky-9.qcow2")),
            "sha256",
            null,
            server.uri("/SHA256SUMS"));

    assertThat(downloader.resolveChecksum(request).hex()).isEqualTo(hex);
  }
}
