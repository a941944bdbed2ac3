package org.genvmimage.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(30)
class DownloaderTest {
  private static final DownloadSettings FAST =
      new DownloadSettings(
          3,
          Duration.ofMillis(10),
          Duration.ofMillis(50),
          Duration.ofSeconds(2),
          Duration.ofSeconds(5),
          64 * 1024);

  @TempDir Path tmp;

  private TestHttpServer server;
  private DownloadCache cache;
  private Downloader downloader;
  private final byte[] content = TestHttpServer.randomBytes(3 * 1024 * 1024 + 17, 42);
  private final String hex = TestHttpServer.sha256(content);

  @BeforeEach
  void setUp() {
    server = TestHttpServer.start();
    cache = new DownloadCache(tmp.resolve("cache"));
    downloader = new Downloader(cache, FAST);
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  private FetchRequest request(String path) {
    return FetchRequest.withChecksum(server.uri(path), "sha256", hex);
  }

  private Path entry() {
    return cache.entryPath(new Digest("sha256", hex));
  }

  private Path part() {
    return cache.partPath(new Digest("sha256", hex));
  }

  // ---- the plain path

  @Test
  void coldDownloadStoresTheVerifiedFileUnderItsDigest() throws IOException {
    server.serve("/disk.img", content);
    RecordingListener listener = new RecordingListener();

    FetchResult result = downloader.fetch(request("/disk.img"), listener);

    assertThat(result.file()).isEqualTo(entry());
    assertThat(result.file()).startsWith(cache.dir().resolve("sha256"));
    assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
    assertThat(result.cacheHit()).isFalse();
    assertThat(result.bytesDownloaded()).isEqualTo(content.length);
    assertThat(result.digest().type()).isEqualTo("sha256");
    assertThat(result.digest().hex()).isEqualTo(hex);
    assertThat(part()).doesNotExist();
    assertThat(cache.partInfoPath(new Digest("sha256", hex))).doesNotExist();

    CacheEntry entry = cache.entry(new Digest("sha256", hex)).orElseThrow();
    assertThat(entry.size()).isEqualTo(content.length);
    assertThat(entry.source()).isEqualTo(server.uri("/disk.img"));
    assertThat(entry.created()).isNotNull();
    assertThat(cache.entries()).containsExactly(entry);

    assertThat(listener.events)
        .containsExactly("started " + content.length + " 0", "finished " + content.length);
    assertThat(listener.lastProgress).isEqualTo(content.length);
    assertThat(listener.threads).containsOnly(Thread.currentThread());
    assertThat(server.requests("/disk.img")).hasSize(1);
  }

  @Test
  void cacheHitMakesNoRequestAndUpdatesLastUsed() throws Exception {
    server.serve("/disk.img", content);
    downloader.fetch(request("/disk.img"), null);
    var before = cache.entry(new Digest("sha256", hex)).orElseThrow().lastUsed();
    Thread.sleep(5);

    RecordingListener listener = new RecordingListener();
    FetchResult again =
        new Downloader(new DownloadCache(cache.dir()), FAST).fetch(request("/disk.img"), listener);

    assertThat(again.cacheHit()).isTrue();
    assertThat(again.bytesDownloaded()).isZero();
    assertThat(again.file()).isEqualTo(entry());
    assertThat(server.requests()).hasSize(1);
    assertThat(listener.events).isEmpty();
    assertThat(cache.entry(new Digest("sha256", hex)).orElseThrow().lastUsed()).isAfter(before);
  }

  @Test
  void entryWhoseSizeDiffersFromItsMetadataIsDownloadedAgain() throws IOException {
    server.serve("/disk.img", content);
    downloader.fetch(request("/disk.img"), null);
    Files.write(entry(), Arrays.copyOf(content, 100));

    FetchResult result = downloader.fetch(request("/disk.img"), null);

    assertThat(result.cacheHit()).isFalse();
    assertThat(Files.readAllBytes(entry())).isEqualTo(content);
    assertThat(server.requests()).hasSize(2);
  }

  @Test
  void checksumMismatchLeavesNeitherFinalFileNorPart() throws IOException {
    server.serve("/disk.img", content);
    String wrong = TestHttpServer.sha256(new byte[] {1});
    FetchRequest request = FetchRequest.withChecksum(server.uri("/disk.img"), "SHA256", wrong);

    GenVmException e =
        catchThrowableOfType(
            GenVmException.class, () -> downloader.fetch(request, DownloadListener.NONE));

    assertThat(e.exitCode()).isEqualTo(ExitCode.CHECKSUM_MISMATCH.code());
    assertThat(e.getMessage())
        .isEqualTo(
            server.uri("/disk.img")
                + ": checksum mismatch: expected sha256 "
                + wrong
                + ", got "
                + hex);
    assertThat(cache.entryPath(new Digest("sha256", wrong))).doesNotExist();
    assertThat(cache.partPath(new Digest("sha256", wrong))).doesNotExist();
    assertThat(cache.entries()).isEmpty();
    assertNoEntryLeft();
  }

  /** Nothing of a failed entry left in the cache: no lock file, no empty type folder. */
  private void assertNoEntryLeft() throws IOException {
    try (var files = Files.walk(cache.dir())) {
      assertThat(files.map(f -> cache.dir().relativize(f).toString()))
          .as("only the cache's own guard lock")
          .containsExactlyInAnyOrder("", ".lock");
    }
  }

  @Test
  void aFailedDownloadKeepsTheLockFileOfAnEntryThatAnotherProcessHolds() throws Exception {
    Process holder = EntryHolder.start(cache.dir(), "sha256", hex);
    try {
      server.status("/disk.img", 404);
      assertThatThrownBy(() -> downloader.fetch(request("/disk.img"), null))
          .isInstanceOf(GenVmException.class);
      assertThat(cache.lockPath(new Digest("sha256", hex)))
          .as("held by the other process")
          .exists();
    } finally {
      holder.getOutputStream().close();
      holder.waitFor(10, TimeUnit.SECONDS);
    }
    // and the next failure, alone, cleans it up
    assertThatThrownBy(() -> downloader.fetch(request("/disk.img"), null))
        .isInstanceOf(GenVmException.class);
    assertNoEntryLeft();
  }

  @Test
  void concurrentFailedFetchesOfOneEntryAllEndAndLeaveNoLock() throws Exception {
    server.status("/disk.img", 404);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<Integer>> fetches = new java.util.ArrayList<>();
      for (int i = 0; i < 16; i++) {
        fetches.add(
            pool.submit(
                () -> {
                  try {
                    downloader.fetch(request("/disk.img"), null);
                    return 0;
                  } catch (GenVmException e) {
                    return e.exitCode();
                  }
                }));
      }
      for (Future<Integer> f : fetches) {
        assertThat(f.get(20, TimeUnit.SECONDS)).isEqualTo(ExitCode.DOWNLOAD_FAILED.code());
      }
    } finally {
      pool.shutdownNow();
    }
    assertNoEntryLeft();
  }

  @Test
  void responseWithoutContentLengthWorksAndReportsUnknownTotal() throws IOException {
    server.serve("/disk.img", content).chunked();
    RecordingListener listener = new RecordingListener();

    FetchResult result = downloader.fetch(request("/disk.img"), listener);

    assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
    assertThat(listener.startedTotal).isEqualTo(-1);
    assertThat(listener.lastTotal).isEqualTo(-1);
    assertThat(listener.lastProgress).isEqualTo(content.length);
  }

  @Test
  void followsRedirects() throws IOException {
    server.serve("/real.img", content);
    server.redirect("/disk.img", server.uri("/real.img"), 302);

    FetchResult result = downloader.fetch(request("/disk.img"), null);

    assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
    assertThat(result.source()).isEqualTo(server.uri("/disk.img"));
  }

  @Test
  void otherChecksumTypesWork() throws IOException {
    server.serve("/disk.img", content);
    String sha512 = hexOf("SHA-512", content);

    FetchResult result =
        downloader.fetch(
            FetchRequest.withChecksum(server.uri("/disk.img"), "sha512", sha512.toUpperCase()),
            null);

    assertThat(result.file()).isEqualTo(cache.entryPath(new Digest("sha512", sha512)));
    assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
  }

  @Test
  void rejectsBadInputBeforeAnyRequest() {
    server.serve("/disk.img", content);
    assertThatThrownBy(
            () ->
                downloader.fetch(
                    FetchRequest.withChecksum(server.uri("/disk.img"), "sha256", "abc"), null))
        .isInstanceOfSatisfying(
            GenVmException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT.code()))
        .hasMessageContaining("64 hex digits");
    assertThatThrownBy(
            () ->
                downloader.fetch(
                    FetchRequest.withChecksum(server.uri("/disk.img"), "crc32", hex), null))
        .isInstanceOfSatisfying(
            GenVmException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT.code()))
        .hasMessageContaining("unknown checksum type 'crc32'");
    assertThatThrownBy(
            () ->
                downloader.fetch(
                    FetchRequest.withChecksum(URI.create("ftp://host/x.img"), "sha256", hex), null))
        .isInstanceOfSatisfying(
            GenVmException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT.code()))
        .hasMessageContaining("unsupported URL scheme 'ftp'");
    assertThat(server.requests()).isEmpty();
  }

  // ---- statuses and retries

  @Test
  void notFoundFailsAtOnce() {
    server.status("/missing.img", 404);

    GenVmException e =
        catchThrowableOfType(
            GenVmException.class, () -> downloader.fetch(request("/missing.img"), null));

    assertThat(e.exitCode()).isEqualTo(ExitCode.DOWNLOAD_FAILED.code());
    assertThat(e.getMessage()).isEqualTo(server.uri("/missing.img") + ": HTTP 404 Not Found");
    assertThat(server.requests()).hasSize(1);
    assertThat(part()).doesNotExist();
  }

  @Test
  void serverErrorsAreRetriedWithBackoff() throws IOException {
    server.serve("/disk.img", content).failFirst(2, 500);
    RecordingListener listener = new RecordingListener();

    FetchResult result = downloader.fetch(request("/disk.img"), listener);

    assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
    assertThat(server.requests()).hasSize(3);
    assertThat(listener.events)
        .startsWith(
            "retrying 2/3 HTTP 500 Internal Server Error",
            "retrying 3/3 HTTP 500 Internal Server Error");
  }

  @Test
  void tooManyRequestsHonoursRetryAfter() throws IOException {
    server.serve("/disk.img", content).failFirst(1, 429).retryAfter("0");

    FetchResult result = downloader.fetch(request("/disk.img"), null);

    assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
    assertThat(server.requests()).hasSize(2);
  }

  @Test
  void persistentServerErrorFailsAfterTheLastAttempt() {
    server.status("/disk.img", 503);

    GenVmException e =
        catchThrowableOfType(
            GenVmException.class, () -> downloader.fetch(request("/disk.img"), null));

    assertThat(e.exitCode()).isEqualTo(ExitCode.DOWNLOAD_FAILED.code());
    assertThat(e.getMessage())
        .isEqualTo(server.uri("/disk.img") + ": HTTP 503 Service Unavailable (after 3 attempts)");
    assertThat(server.requests()).hasSize(3);
  }

  @Test
  void connectionRefusedFailsAfterTheAttempts() throws IOException {
    int port;
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      port = socket.getLocalPort();
    }
    URI uri = URI.create("http://127.0.0.1:" + port + "/disk.img");
    RecordingListener listener = new RecordingListener();

    GenVmException e =
        catchThrowableOfType(
            GenVmException.class,
            () -> downloader.fetch(FetchRequest.withChecksum(uri, "sha256", hex), listener));

    assertThat(e.exitCode()).isEqualTo(ExitCode.DOWNLOAD_FAILED.code());
    assertThat(e.getMessage()).isEqualTo(uri + ": connection refused (after 3 attempts)");
    assertThat(listener.retryReasons).containsExactly("connection refused", "connection refused");
    assertNoEntryLeft();
  }

  @Test
  void backoffDoublesUpToTheMaximumAndHonoursRetryAfter() {
    RetryPolicy transfer =
        new RetryPolicy(
            new DownloadSettings(
                9,
                Duration.ofSeconds(1),
                Duration.ofSeconds(30),
                Duration.ofSeconds(1),
                Duration.ofSeconds(1),
                4096));
    assertThat(transfer.backoff(1, null)).isEqualTo(Duration.ofSeconds(1));
    assertThat(transfer.backoff(2, null)).isEqualTo(Duration.ofSeconds(2));
    assertThat(transfer.backoff(5, null)).isEqualTo(Duration.ofSeconds(16));
    assertThat(transfer.backoff(6, null)).isEqualTo(Duration.ofSeconds(30));
    assertThat(transfer.backoff(60, null)).isEqualTo(Duration.ofSeconds(30));
    assertThat(transfer.backoff(1, Duration.ofSeconds(7))).isEqualTo(Duration.ofSeconds(7));
    assertThat(transfer.backoff(1, Duration.ofHours(1))).isEqualTo(Duration.ofSeconds(30));
  }

  // ---- the copy written while downloading

  @Test
  void aCopyGetsEveryByteOfADownloadIncludingOneResumedWithinTheRun() throws IOException {
    byte[] qcow2 = content.clone();
    System.arraycopy(new byte[] {'Q', 'F', 'I', (byte) 0xfb, 0, 0, 0, 3}, 0, qcow2, 0, 8);
    server.serve("/disk.qcow2", qcow2).etag("\"v1\"").cutAfter(1_000_000, 1);
    DownloadCopy copy = new DownloadCopy(tmp.resolve("copy.img"));

    FetchResult result =
        downloader.fetch(
            FetchRequest.withChecksum(
                server.uri("/disk.qcow2"), "sha256", TestHttpServer.sha256(qcow2)),
            null,
            copy);

    assertThat(copy.complete()).isTrue();
    assertThat(Files.readAllBytes(copy.file())).isEqualTo(qcow2);
    assertThat(Files.readAllBytes(result.file())).isEqualTo(qcow2);
  }

  @Test
  void aCopyIsOnlyMadeOfWhatStartsLikeAQcow2v3Image() {
    server.serve("/disk.img", content);
    DownloadCopy copy = new DownloadCopy(tmp.resolve("copy.img"));

    downloader.fetch(request("/disk.img"), null, copy);

    assertThat(copy.complete()).isFalse();
  }

  @Test
  void aCopyIsNotCompleteWhenTheBytesStartedInAnEarlierRunOrCameFromTheCache() throws IOException {
    byte[] earlier = java.util.Arrays.copyOf(content, 123_456);
    Files.createDirectories(part().getParent());
    Files.write(part(), earlier);
    server.serve("/disk.img", content);
    DownloadCopy resumed = new DownloadCopy(tmp.resolve("resumed.img"));

    downloader.fetch(request("/disk.img"), null, resumed);

    assertThat(resumed.complete()).isFalse();
    DownloadCopy hit = new DownloadCopy(tmp.resolve("hit.img"));
    FetchResult again = downloader.fetch(request("/disk.img"), null, hit);
    assertThat(again.cacheHit()).isTrue();
    assertThat(hit.complete()).isFalse();
  }

  @Test
  void aCopyIsNotCompleteWhenTheDigestDiffers() {
    byte[] other = TestHttpServer.randomBytes(content.length, 7);
    server.serve("/disk.img", other);
    DownloadCopy copy = new DownloadCopy(tmp.resolve("copy.img"));

    assertThatThrownBy(() -> downloader.fetch(request("/disk.img"), null, copy))
        .isInstanceOfSatisfying(
            GenVmException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.CHECKSUM_MISMATCH.code()));
    assertThat(copy.complete()).isFalse();
  }

  // ---- cut bodies and resume

  @Test
  void cutBodyIsResumedWithARangeRequest() throws IOException {
    server.serve("/disk.img", content).etag("\"v1\"").cutAfter(1_000_000, 1);
    RecordingListener listener = new RecordingListener();

    FetchResult result = downloader.fetch(request("/disk.img"), listener);

    assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
    List<TestHttpServer.Request> requests = server.requests();
    assertThat(requests).hasSize(2);
    assertThat(requests.get(0).header("Range")).isNull();
    assertThat(requests.get(1).header("Range")).isEqualTo("bytes=1000000-");
    assertThat(requests.get(1).header("If-Range")).isEqualTo("\"v1\"");
    assertThat(result.bytesDownloaded()).isEqualTo(content.length);
    assertThat(listener.retryReasons)
        .containsExactly("connection lost after 1000000 of " + content.length + " bytes");
    assertThat(listener.events).contains("started " + content.length + " 1000000");
  }

  @Test
  void cutChunkedBodyIsResumedToo() throws IOException {
    server.serve("/disk.img", content).chunked().cutAfter(500_000, 2);

    FetchResult result = downloader.fetch(request("/disk.img"), null);

    assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
    assertThat(server.requests()).hasSize(3);
    assertThat(server.requests().get(2).header("Range")).isEqualTo("bytes=1000000-");
  }

  @Test
  void cutBodyStartsAgainWhenTheServerIgnoresRanges() throws IOException {
    server.serve("/disk.img", content).ranges(false).cutAfter(1_000_000, 1);

    FetchResult result = downloader.fetch(request("/disk.img"), null);

    assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
    assertThat(server.requests()).hasSize(2);
    assertThat(result.bytesDownloaded()).isEqualTo(1_000_000 + content.length);
  }

  @Test
  void progressResetsTheAttemptCount() throws IOException {
    // three cuts in a row, but each delivers over 1 MiB: three attempts per streak still suffice
    server.serve("/disk.img", content).cutAfter(RetryPolicy.PROGRESS_BYTES + 1, 3);

    FetchResult result = downloader.fetch(request("/disk.img"), null);

    assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
    assertThat(server.requests()).hasSize(4);
  }

  @Test
  void aServerThatDripsAFewBytesPerConnectionRunsOutOfAttempts() {
    server.serve("/disk.img", content).cutAfter(1000, 100);

    assertThatThrownBy(() -> downloader.fetch(request("/disk.img"), null))
        .isInstanceOf(GenVmException.class)
        .hasMessageContaining("after 3 attempts");
    assertThat(server.requests()).hasSize(3);
    assertThat(Files.exists(entry())).isFalse();
  }

  @Test
  void partFromAnEarlierRunIsResumedWithIfRange() throws IOException {
    // an earlier run that gave up after a cut: one attempt only
    server
        .serve("/disk.img", content)
        .lastModified("Mon, 01 Jan 2024 00:00:00 GMT")
        .cutAfter(2_000_000, 1);
    Downloader once =
        new Downloader(
            cache,
            new DownloadSettings(
                1,
                Duration.ZERO,
                Duration.ZERO,
                Duration.ofSeconds(2),
                Duration.ofSeconds(5),
                4096));
    assertThatThrownBy(() -> once.fetch(request("/disk.img"), null))
        .isInstanceOfSatisfying(
            GenVmException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.DOWNLOAD_FAILED.code()))
        .hasMessageEndingWith("(after 1 attempt)");
    assertThat(part()).hasSize(2_000_000);
    assertThat(entry()).doesNotExist();

    RecordingListener listener = new RecordingListener();
    FetchResult result = downloader.fetch(request("/disk.img"), listener);

    assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
    TestHttpServer.Request resume = server.requests().get(1);
    assertThat(resume.header("Range")).isEqualTo("bytes=2000000-");
    assertThat(resume.header("If-Range")).isEqualTo("Mon, 01 Jan 2024 00:00:00 GMT");
    assertThat(result.bytesDownloaded()).isEqualTo(content.length - 2_000_000);
    assertThat(listener.events.get(0)).isEqualTo("started " + content.length + " 2000000");
    assertThat(part()).doesNotExist();
  }

  @Test
  void partFromAnEarlierRunStartsAgainWhenTheFileChanged() throws IOException {
    Files.createDirectories(part().getParent());
    Files.write(part(), Arrays.copyOf(TestHttpServer.randomBytes(2_000_000, 7), 2_000_000));
    cache.writePartInfo(
        new Digest("sha256", hex), new PartInfo(server.uri("/disk.img"), "\"old\"", null, 99));
    server.serve("/disk.img", content).etag("\"new\"");

    FetchResult result = downloader.fetch(request("/disk.img"), null);

    assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
    assertThat(server.requests()).hasSize(1);
    assertThat(server.requests().get(0).header("If-Range")).isEqualTo("\"old\"");
    assertThat(result.bytesDownloaded()).isEqualTo(content.length);
  }

  @Test
  void partFromAnEarlierRunStartsAgainWhenTheServerIgnoresRanges() throws IOException {
    Files.createDirectories(part().getParent());
    Files.write(part(), Arrays.copyOf(content, 1_500_000));
    server.serve("/disk.img", content).ranges(false);

    FetchResult result = downloader.fetch(request("/disk.img"), null);

    assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
    assertThat(server.requests().get(0).header("Range")).isEqualTo("bytes=1500000-");
    assertThat(server.requests()).hasSize(1);
    assertThat(result.bytesDownloaded()).isEqualTo(content.length);
  }

  @Test
  void corruptPartFromAnEarlierRunIsDownloadedAgainOnce() throws IOException {
    Files.createDirectories(part().getParent());
    Files.write(part(), TestHttpServer.randomBytes(1_000_000, 3)); // not a prefix of content
    server.serve("/disk.img", content);

    FetchResult result = downloader.fetch(request("/disk.img"), null);

    assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
    assertThat(server.requests()).hasSize(2);
    assertThat(server.requests().get(0).header("Range")).isEqualTo("bytes=1000000-");
    assertThat(server.requests().get(1).header("Range")).isNull();
  }

  @Test
  void completePartFromAnEarlierRunNeedsNoBody() throws IOException {
    Files.createDirectories(part().getParent());
    Files.write(part(), content);
    server.serve("/disk.img", content);

    FetchResult result = downloader.fetch(request("/disk.img"), null);

    assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
    assertThat(server.requests()).hasSize(1);
    assertThat(result.bytesDownloaded()).isZero();
  }

  @Test
  void partLongerThanTheFileStartsAgainAfterRangeNotSatisfiable() throws IOException {
    Files.createDirectories(part().getParent());
    byte[] tooLong = Arrays.copyOf(content, content.length + 10);
    Files.write(part(), tooLong);
    server.serve("/disk.img", content);
    RecordingListener listener = new RecordingListener();

    FetchResult result = downloader.fetch(request("/disk.img"), listener);

    assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
    assertThat(server.requests()).hasSize(2);
    assertThat(server.requests().get(1).header("Range")).isNull();
    assertThat(listener.retryReasons)
        .containsExactly("the server refused to resume at byte " + tooLong.length + " (HTTP 416)");
  }

  // ---- stalls

  @Test
  void stalledBodyIsDetectedAndResumed() throws IOException {
    server.serve("/disk.img", content).stallAfter(300_000, 1);
    Downloader impatient = new Downloader(cache, withStall(Duration.ofMillis(300)));
    RecordingListener listener = new RecordingListener();
    long start = System.nanoTime();

    FetchResult result = impatient.fetch(request("/disk.img"), listener);

    assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
    assertThat(listener.retryReasons).containsExactly("stalled: no data for 0.3 s");
    assertThat(server.requests().get(1).header("Range")).isEqualTo("bytes=300000-");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void persistentStallFailsAfterTheAttempts() {
    server.serve("/disk.img", content).stallAfter(0, 100);
    Downloader impatient = new Downloader(cache, withStall(Duration.ofMillis(200)));
    long start = System.nanoTime();

    GenVmException e =
        catchThrowableOfType(
            GenVmException.class, () -> impatient.fetch(request("/disk.img"), null));

    assertThat(e.exitCode()).isEqualTo(ExitCode.DOWNLOAD_FAILED.code());
    assertThat(e.getMessage())
        .isEqualTo(server.uri("/disk.img") + ": stalled: no data for 0.2 s (after 3 attempts)");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void slowHeadersCountAsAStall() throws IOException {
    server.serve("/disk.img", content).delayHeaders(Duration.ofSeconds(10));
    Downloader impatient = new Downloader(cache, withStall(Duration.ofMillis(200)));

    GenVmException e =
        catchThrowableOfType(
            GenVmException.class, () -> impatient.fetch(request("/disk.img"), null));

    assertThat(e.getMessage()).endsWith(": no response for 0.2 s (after 3 attempts)");
  }

  private static DownloadSettings withStall(Duration stall) {
    return new DownloadSettings(
        3, Duration.ofMillis(10), Duration.ofMillis(50), Duration.ofSeconds(2), stall, 64 * 1024);
  }

  // ---- concurrency and interrupts

  @Test
  void concurrentFetchesOfOneEntryDownloadOnce() throws Exception {
    server.serve("/disk.img", content).throttle(256 * 1024, Duration.ofMillis(20));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CountDownLatch go = new CountDownLatch(1);
      List<Future<FetchResult>> results =
          List.of(
              pool.submit(() -> awaitThenFetch(go, downloader, "/disk.img")),
              pool.submit(() -> awaitThenFetch(go, new Downloader(cache, FAST), "/disk.img")));
      go.countDown();
      FetchResult a = results.get(0).get(20, TimeUnit.SECONDS);
      FetchResult b = results.get(1).get(20, TimeUnit.SECONDS);

      assertThat(server.requests()).hasSize(1);
      assertThat(List.of(a.cacheHit(), b.cacheHit())).containsExactlyInAnyOrder(true, false);
      assertThat(a.file()).isEqualTo(b.file());
      assertThat(Files.readAllBytes(a.file())).isEqualTo(content);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void waitsForAnotherProcessFetchingTheSameEntry() throws Exception {
    server.serve("/disk.img", content);
    Path lockFile = cache.lockPath(new Digest("sha256", hex));
    Files.createDirectories(lockFile.getParent());
    Process holder =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                LockHolder.class.getName(),
                lockFile.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      assertThat(
              new java.io.BufferedReader(
                      new java.io.InputStreamReader(holder.getInputStream(), "UTF-8"))
                  .readLine())
          .isEqualTo("locked");
      ExecutorService pool = Executors.newSingleThreadExecutor();
      try {
        Future<FetchResult> fetch = pool.submit(() -> downloader.fetch(request("/disk.img"), null));
        Thread.sleep(300);
        assertThat(fetch).isNotDone();
        assertThat(server.requests()).isEmpty();

        holder.getOutputStream().close(); // the other process finishes and lets go
        FetchResult result = fetch.get(10, TimeUnit.SECONDS);
        assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
        assertThat(server.requests()).hasSize(1);
      } finally {
        pool.shutdownNow();
      }
    } finally {
      holder.destroy();
      holder.waitFor(5, TimeUnit.SECONDS);
    }
  }

  @Test
  void largeDownloadNeedsLittleHeap(@TempDir Path logDir) throws Exception {
    Path log = logDir.resolve("fetch.log");
    byte[] big = TestHttpServer.randomBytes(160 << 20, 5);
    String bigHex = TestHttpServer.sha256(big);
    server.serve("/big.img", big);
    Process child =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx24m",
                "-cp",
                System.getProperty("java.class.path"),
                FetchMain.class.getName(),
                server.uri("/big.img").toString(),
                "sha256",
                bigHex,
                cache.dir().toString())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    boolean ended = child.waitFor(25, TimeUnit.SECONDS);
    if (!ended) {
      child.destroyForcibly().waitFor();
    }
    String output = Files.readString(log);
    assertThat(ended).as("the fetch ended in time; it printed:%n%s", output).isTrue();
    assertThat(child.exitValue()).as(output).isZero();
    assertThat(output.trim()).isEqualTo(cache.entryPath(new Digest("sha256", bigHex)).toString());
    assertThat(Files.size(cache.entryPath(new Digest("sha256", bigHex)))).isEqualTo(big.length);
  }

  @Test
  void differentEntriesDownloadInParallel() throws Exception {
    byte[] other = TestHttpServer.randomBytes(1_000_000, 9);
    server.serve("/a.img", content).throttle(256 * 1024, Duration.ofMillis(30));
    server.serve("/b.img", other).throttle(128 * 1024, Duration.ofMillis(30));
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      Future<FetchResult> a = pool.submit(() -> downloader.fetch(request("/a.img"), null));
      Future<FetchResult> b =
          pool.submit(
              () ->
                  downloader.fetch(
                      FetchRequest.withChecksum(
                          server.uri("/b.img"), "sha256", TestHttpServer.sha256(other)),
                      null));
      assertThat(Files.readAllBytes(a.get(20, TimeUnit.SECONDS).file())).isEqualTo(content);
      assertThat(Files.readAllBytes(b.get(20, TimeUnit.SECONDS).file())).isEqualTo(other);
      assertThat(server.maxConcurrentRequests()).isEqualTo(2);
    } finally {
      pool.shutdownNow();
    }
  }

  private FetchResult awaitThenFetch(CountDownLatch go, Downloader d, String path)
      throws InterruptedException {
    go.await();
    return d.fetch(request(path), null);
  }

  @Test
  void interruptAbortsPromptlyAndKeepsThePart() throws Exception {
    server.serve("/disk.img", content).throttle(32 * 1024, Duration.ofMillis(50));
    AtomicReference<Throwable> failure = new AtomicReference<>();
    AtomicReference<Boolean> flagAfter = new AtomicReference<>();
    RecordingListener listener = new RecordingListener();
    Thread worker =
        new Thread(
            () -> {
              try {
                downloader.fetch(request("/disk.img"), listener);
              } catch (Throwable t) {
                failure.set(t);
              }
              flagAfter.set(Thread.currentThread().isInterrupted());
            });
    worker.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (listener.lastProgress < 100_000 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(listener.lastProgress).isGreaterThanOrEqualTo(100_000);

    long start = System.nanoTime();
    worker.interrupt();
    worker.join(5000);
    Duration took = Duration.ofNanos(System.nanoTime() - start);

    assertThat(worker.isAlive()).isFalse();
    assertThat(took).isLessThan(Duration.ofSeconds(1));
    assertThat(failure.get())
        .isInstanceOfSatisfying(
            GenVmException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INTERRUPTED.code()))
        .hasMessage("interrupted");
    assertThat(flagAfter.get()).isTrue();
    assertThat(entry()).doesNotExist();
    assertThat(part()).exists();
    assertThat(Files.size(part())).isGreaterThanOrEqualTo(100_000);
    assertThat(cache.lockPath(new Digest("sha256", hex)))
        .as("made again when resumed")
        .doesNotExist();

    // the server sees the connection go away, and nothing reads from it any more
    deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (server.abortedResponses() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(server.abortedResponses()).isEqualTo(1);
    long size = Files.size(part());
    Thread.sleep(200);
    assertThat(Files.size(part())).isEqualTo(size);

    // and the next run resumes
    server.serve("/disk.img", content);
    FetchResult result = downloader.fetch(request("/disk.img"), null);
    assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
    assertThat(server.requests().get(1).header("Range")).isEqualTo("bytes=" + size + "-");
  }

  @Test
  void alreadyInterruptedThreadFailsAtOnce() {
    server.serve("/disk.img", content);
    Thread.currentThread().interrupt();
    try {
      assertThatThrownBy(() -> downloader.fetch(request("/disk.img"), null))
          .isInstanceOfSatisfying(
              GenVmException.class,
              e -> assertThat(e.exitCode()).isEqualTo(ExitCode.INTERRUPTED.code()));
      assertThat(Thread.currentThread().isInterrupted()).isTrue();
    } finally {
      Thread.interrupted();
    }
    assertThat(server.requests()).isEmpty();
  }

  // ---- local files

  @Test
  void localFileIsHashedInPlace() throws IOException {
    Path local = tmp.resolve("local disk.img");
    Files.write(local, content);
    RecordingListener listener = new RecordingListener();

    FetchResult result =
        downloader.fetch(FetchRequest.withChecksum(local.toUri(), "sha256", hex), listener);

    assertThat(result.file()).isEqualTo(local);
    assertThat(result.cacheHit()).isFalse();
    assertThat(result.bytesDownloaded()).isZero();
    assertThat(cache.dir()).doesNotExist();
    assertThat(listener.events).last().isEqualTo("finished " + content.length);
  }

  @Test
  void localFileMismatchAndMissingFile() throws IOException {
    Path local = tmp.resolve("disk.img");
    Files.write(local, content);
    String wrong = TestHttpServer.sha256(new byte[0]);

    assertThatThrownBy(
            () -> downloader.fetch(FetchRequest.withChecksum(local.toUri(), "sha256", wrong), null))
        .isInstanceOfSatisfying(
            GenVmException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.CHECKSUM_MISMATCH.code()))
        .hasMessage(local + ": checksum mismatch: expected sha256 " + wrong + ", got " + hex);
    assertThat(local).exists();

    Path missing = tmp.resolve("missing.img");
    assertThatThrownBy(
            () -> downloader.fetch(FetchRequest.withChecksum(missing.toUri(), "sha256", hex), null))
        .isInstanceOfSatisfying(
            GenVmException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.DOWNLOAD_FAILED.code()))
        .hasMessage(missing + ": no such file");
  }

  // ---- sums files

  @Test
  void digestFromAGnuSumsFile() throws IOException {
    server.serve("/images/disk.img", content);
    server.serve(
        "/images/SHA256SUMS",
        (TestHttpServer.sha256(new byte[0]) + "  other.img\n" + hex + " *disk.img\n").getBytes());

    FetchResult result =
        downloader.fetch(
            FetchRequest.withSumsFile(
                server.uri("/images/disk.img"), "sha256", server.uri("/images/SHA256SUMS")),
            null);

    assertThat(result.digest().hex()).isEqualTo(hex);
    assertThat(Files.readAllBytes(result.file())).isEqualTo(content);
  }

  @Test
  void digestFromASignedBsdChecksumFileWithAnEncodedName() throws IOException {
    server.serve("/images/Rocky 9.img", content); // the server decodes request paths
    String checksum =
        "-----BEGIN PGP SIGNED MESSAGE-----\n"
            + "Hash: SHA256\n\n"
            + "# Rocky 9.img: "
            + content.length
            + " bytes\n"
            + "SHA256 (Rocky 9.img) = "
            + hex
            + "\n"
            + "-----BEGIN PGP SIGNATURE-----\n\niQIzBAEBCAAdFiEE\n-----END PGP SIGNATURE-----\n";
    server.serve("/images/CHECKSUM", checksum.getBytes());

    FetchResult result =
        downloader.fetch(
            FetchRequest.withSumsFile(
                URI.create(server.uri("/images/") + "Rocky%209.img"),
                "sha256",
                server.uri("/images/CHECKSUM")),
            null);

    assertThat(result.digest().hex()).isEqualTo(hex);
  }

  @Test
  void sumsFileWithoutTheNameFails() {
    server.serve("/images/disk.img", content);
    server.serve("/images/SHA256SUMS", (hex + "  other.img\n").getBytes());

    GenVmException e =
        catchThrowableOfType(
            GenVmException.class,
            () ->
                downloader.fetch(
                    FetchRequest.withSumsFile(
                        server.uri("/images/disk.img"), "sha256", server.uri("/images/SHA256SUMS")),
                    null));

    assertThat(e.exitCode()).isEqualTo(ExitCode.DOWNLOAD_FAILED.code());
    assertThat(e.getMessage())
        .isEqualTo(server.uri("/images/SHA256SUMS") + ": no checksum for 'disk.img'");
    assertThat(server.requests("/images/disk.img")).isEmpty();
  }

  @Test
  void sumsFileUnreachableFallsBackToTheLastDigestRead() {
    server.serve("/images/disk.img", content);
    server.serve("/images/SHA256SUMS", (hex + "  disk.img\n").getBytes());
    FetchRequest request =
        FetchRequest.withSumsFile(
            server.uri("/images/disk.img"), "sha256", server.uri("/images/SHA256SUMS"));
    downloader.fetch(request, null);

    server.close(); // offline now

    FetchResult result = new Downloader(cache, FAST).fetch(request, null);
    assertThat(result.cacheHit()).isTrue();
    assertThat(result.digest().hex()).isEqualTo(hex);
  }

  @Test
  void sumsFileUnreachableWithoutAnEarlierReadFails() {
    server.status("/images/SHA256SUMS", 404);

    GenVmException e =
        catchThrowableOfType(
            GenVmException.class,
            () ->
                downloader.fetch(
                    FetchRequest.withSumsFile(
                        server.uri("/images/disk.img"), "sha256", server.uri("/images/SHA256SUMS")),
                    null));

    assertThat(e.getMessage()).isEqualTo(server.uri("/images/SHA256SUMS") + ": HTTP 404 Not Found");
  }

  @Test
  void oversizedSumsFileIsRefused() {
    server.serve("/images/SHA256SUMS", new byte[ChecksumResolver.SUMS_FILE_LIMIT + 1]);

    GenVmException e =
        catchThrowableOfType(
            GenVmException.class,
            () ->
                downloader.fetch(
                    FetchRequest.withSumsFile(
                        server.uri("/images/disk.img"), "sha256", server.uri("/images/SHA256SUMS")),
                    null));

    assertThat(e.exitCode()).isEqualTo(ExitCode.DOWNLOAD_FAILED.code());
    assertThat(e.getMessage()).contains("larger than 16 MiB");
    assertThat(server.requests()).hasSize(1);
  }

  private static String hexOf(String algorithm, byte[] bytes) {
    try {
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance(algorithm).digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
