package org.genvmimage.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Downloads in parts over several connections, against a real loopback server: the parts come over
 * connections at once and are written at their offsets and hashed in order; a cut part resumes; a
 * server that ignores ranges or a file that changes between parts falls back to one connection from
 * the start; a failed download leaves a gapless prefix that the next run resumes.
 */
@Timeout(60)
class SegmentedDownloadTest {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

  /** Four parts from 1 MiB on: the test files stand for large images. */
  private static final DownloadSettings PARTS =
      new DownloadSettings(
              3,
              Duration.ofMillis(10),
              Duration.ofMillis(50),
              Duration.ofSeconds(2),
              Duration.ofSeconds(5),
              64 * 1024)
          .withSegmentThreshold(1 << 20);

  @TempDir Path tmp;

  private TestHttpServer server;
  private DownloadCache cache;
  private Downloader downloader;
  private final byte[] content = TestHttpServer.randomBytes(8 * 1024 * 1024 + 17, 42);
  private final String hex = TestHttpServer.sha256(content);

  @BeforeEach
  void setUp() {
    server = TestHttpServer.start();
    cache = new DownloadCache(tmp.resolve("cache"));
    downloader = new Downloader(cache, PARTS);
  }

  @AfterEach
  void tearDown() {
    downloader.close();
    server.close();
  }

  private FetchRequest request(String path, String sha256) {
    return FetchRequest.withChecksum(server.uri(path), "sha256", sha256);
  }

  private Digest digest(String sha256) {
    return new Digest("sha256", sha256);
  }

  /** The requests for {@code path} that asked for a range ending before the file's end. */
  private List<long[]> partRequests(String path) {
    return server.requests(path).stream()
        .map(r -> r.header("Range"))
        .filter(r -> r != null)
        .map(RANGE::matcher)
        .filter(Matcher::matches)
        .filter(m -> !m.group(2).isEmpty())
        .map(m -> new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))})
        .toList();
  }

  @Test
  void aServerThatCapsEachConnectionServesTheFileOverSeveralAtOnce() throws IOException {
    // about 3 MiB/s per connection: the parts overlap in time however fast the machine is
    server.serve("/disk.img", content).etag("\"v1\"").throttle(64 * 1024, Duration.ofMillis(20));
    RecordingListener listener = new RecordingListener();

    FetchResult result = downloader.fetch(request("/disk.img", hex), listener);

    assertThat(result.file()).hasBinaryContent(content);
    assertThat(server.maxConcurrentRequests()).isGreaterThanOrEqualTo(3);
    List<long[]> parts = partRequests("/disk.img");
    assertThat(parts).hasSize(4);
    assertThat(parts.stream().mapToLong(p -> p[1]).max().getAsLong()).isEqualTo(content.length - 1);
    assertThat(parts).allSatisfy(p -> assertThat(p[1] - p[0]).isGreaterThan(1 << 20));
    assertThat(server.requests("/disk.img"))
        .filteredOn(r -> r.header("Range") != null)
        .allSatisfy(r -> assertThat(r.header("If-Range")).isEqualTo("\"v1\""));
    assertThat(listener.startedTotal).isEqualTo(content.length);
    assertThat(listener.lastProgress).isEqualTo(content.length);
    assertThat(listener.events).containsOnlyOnce("started " + content.length + " 0");
    assertThat(listener.threads).containsOnly(Thread.currentThread());
    assertThat(cache.partPath(digest(hex))).doesNotExist();
    assertThat(cache.partInfoPath(digest(hex))).doesNotExist();
  }

  @Test
  void aQcow2V3DownloadInPartsIsCopiedInOrderAsItIsHashed() throws IOException {
    byte[] image = content.clone();
    System.arraycopy(new byte[] {'Q', 'F', 'I', (byte) 0xfb, 0, 0, 0, 3}, 0, image, 0, 8);
    server.serve("/disk.qcow2", image).etag("\"v1\"").throttle(256 * 1024, Duration.ofMillis(5));
    DownloadCopy copy = new DownloadCopy(tmp.resolve("copy.qcow2"));

    FetchResult result =
        downloader.fetch(request("/disk.qcow2", TestHttpServer.sha256(image)), null, copy);

    assertThat(partRequests("/disk.qcow2")).hasSize(4);
    assertThat(result.file()).hasBinaryContent(image);
    assertThat(copy.complete()).isTrue();
    assertThat(copy.file()).hasBinaryContent(image);
  }

  @Test
  void oneConnectionFetchesALargeFileWhole() throws IOException {
    server.serve("/disk.img", content).etag("\"v1\"");
    Downloader one = new Downloader(cache, PARTS.withConnections(1));
    try {
      assertThat(one.fetch(request("/disk.img", hex), null).file()).hasBinaryContent(content);
    } finally {
      one.close();
    }
    assertThat(server.requests("/disk.img")).hasSize(1);
    assertThat(partRequests("/disk.img")).isEmpty();
  }

  @Test
  void aFileBelowTheThresholdIsFetchedOverOneConnection() throws IOException {
    byte[] small = TestHttpServer.randomBytes((1 << 20) - 1, 3);
    server.serve("/small.img", small).etag("\"v1\"");

    FetchResult result =
        downloader.fetch(request("/small.img", TestHttpServer.sha256(small)), null);

    assertThat(result.file()).hasBinaryContent(small);
    assertThat(server.requests("/small.img")).hasSize(1);
  }

  @Test
  void aServerWithoutAValidatorIsFetchedOverOneConnection() throws IOException {
    server.serve("/disk.img", content);

    assertThat(downloader.fetch(request("/disk.img", hex), null).file()).hasBinaryContent(content);
    assertThat(server.requests("/disk.img")).hasSize(1);
  }

  @Test
  void aServerThatIgnoresRangesFallsBackToOneConnectionWithTheSameBytes() throws IOException {
    server.serve("/disk.img", content).etag("\"v1\"").ranges(false);

    FetchResult result = downloader.fetch(request("/disk.img", hex), null);

    assertThat(result.file()).hasBinaryContent(content);
    // the first answer to a range request showed it: no more parts were asked for
    assertThat(partRequests("/disk.img")).hasSize(1);
    assertThat(server.requests("/disk.img")).hasSize(3);
    assertThat(server.requests("/disk.img").get(2).header("Range")).isNull();
  }

  @Test
  void aFileThatChangesBetweenPartsIsFetchedAgainWholeOverOneConnection() throws IOException {
    byte[] newer = TestHttpServer.randomBytes(content.length, 43);
    // the first request and the first part see v1; every later part sees v2
    server
        .serve("/disk.img", content)
        .etag("\"v1\"")
        .throttle(256 * 1024, Duration.ofMillis(20))
        .changeAfter(2, newer, "\"v2\"");

    FetchResult result = downloader.fetch(request("/disk.img", TestHttpServer.sha256(newer)), null);

    assertThat(result.file()).hasBinaryContent(newer);
    List<TestHttpServer.Request> requests = server.requests("/disk.img");
    assertThat(requests.get(requests.size() - 1).header("Range")).isNull();
    assertThat(cache.partPath(digest(hex))).doesNotExist();
  }

  @Test
  void aFileThatChangedIntoAnotherIsAMismatchAndLeavesNothingInTheCache() throws IOException {
    byte[] newer = TestHttpServer.randomBytes(content.length, 43);
    server
        .serve("/disk.img", content)
        .etag("\"v1\"")
        .throttle(256 * 1024, Duration.ofMillis(20))
        .changeAfter(2, newer, "\"v2\"");

    GenVmException e =
        catchThrowableOfType(
            GenVmException.class, () -> downloader.fetch(request("/disk.img", hex), null));

    assertThat(e.exitCode()).isEqualTo(ExitCode.CHECKSUM_MISMATCH.code());
    assertThat(cache.entryPath(digest(hex))).doesNotExist();
    assertThat(cache.partPath(digest(hex))).doesNotExist();
    assertThat(cache.partInfoPath(digest(hex))).doesNotExist();
  }

  @Test
  void aPartCutMidwayResumesWhereItStopped() throws IOException {
    // the first three bodies (the first request's and two parts) are cut after 700 KiB
    server.serve("/disk.img", content).etag("\"v1\"").cutAfter(700 * 1024, 3);
    RecordingListener listener = new RecordingListener();

    FetchResult result = downloader.fetch(request("/disk.img", hex), listener);

    assertThat(result.file()).hasBinaryContent(content);
    List<long[]> parts = partRequests("/disk.img");
    assertThat(parts).hasSizeGreaterThan(4);
    List<Long> firstStarts = parts.subList(0, 4).stream().map(p -> p[0]).toList();
    // the cut parts were asked for again from where their bytes stopped
    assertThat(parts.subList(4, parts.size()))
        .allSatisfy(p -> assertThat(firstStarts).doesNotContain(p[0]))
        .anySatisfy(p -> assertThat(firstStarts).contains(p[0] - 700 * 1024));
    assertThat(listener.retryReasons).isNotEmpty().allMatch(r -> r.startsWith("part "));
  }

  @Test
  void aFailedDownloadLeavesAGaplessPrefixThatTheNextRunResumes() throws IOException {
    Downloader once =
        new Downloader(
            cache,
            new DownloadSettings(
                    1,
                    Duration.ofMillis(10),
                    Duration.ofMillis(50),
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(5),
                    64 * 1024)
                .withSegmentThreshold(1 << 20));
    TestHttpServer.Resource file =
        server.serve("/disk.img", content).etag("\"v1\"").cutAfter(1536 * 1024, 5);
    GenVmException e;
    try {
      e =
          catchThrowableOfType(
              GenVmException.class, () -> once.fetch(request("/disk.img", hex), null));
    } finally {
      once.close();
    }
    assertThat(e.exitCode()).isEqualTo(ExitCode.DOWNLOAD_FAILED.code());
    Path part = cache.partPath(digest(hex));
    assertThat(part).exists();
    long kept = Files.size(part);
    assertThat(kept).isGreaterThan(0).isLessThan(content.length);
    byte[] prefix = new byte[(int) kept];
    System.arraycopy(content, 0, prefix, 0, prefix.length);
    assertThat(part).hasBinaryContent(prefix);
    assertThat(cache.readPartInfo(digest(hex)).orElseThrow().validBytes()).isEqualTo(-1);

    file.cutAfter(-1, 0);
    int before = server.requests("/disk.img").size();
    FetchResult result = downloader.fetch(request("/disk.img", hex), null);

    assertThat(result.file()).hasBinaryContent(content);
    assertThat(server.requests("/disk.img").get(before).header("Range"))
        .isEqualTo("bytes=" + kept + "-");
  }

  @Test
  void aRunKilledMidwayLeavesOnlyTheRecordedPrefixToResume() throws IOException {
    server.serve("/disk.img", content).etag("\"v1\"");
    Digest d = digest(hex);
    Path part = cache.partPath(d);
    Files.createDirectories(part.getParent());
    // the hashed prefix, then a gap, then a later part's bytes: what a killed run leaves
    byte[] left = new byte[3 * 1024 * 1024];
    System.arraycopy(content, 0, left, 0, 1024 * 1024);
    System.arraycopy(content, 2 * 1024 * 1024, left, 2 * 1024 * 1024, 1024 * 1024);
    Files.write(part, left);
    URI uri = server.uri("/disk.img");
    cache.writePartInfo(d, new PartInfo(uri, "\"v1\"", null, content.length, 1024 * 1024));

    FetchResult result = downloader.fetch(request("/disk.img", hex), null);

    assertThat(result.file()).hasBinaryContent(content);
    assertThat(server.requests("/disk.img").get(0).header("Range"))
        .isEqualTo("bytes=" + (1024 * 1024) + "-");
  }

  @Test
  void aMirrorWhosePartFailsHandsOverAndTheNextResumes() throws IOException {
    TestHttpServer second = TestHttpServer.start();
    try {
      server.serve("/disk.img", content).etag("\"v1\"").cutAfter(1536 * 1024, 5);
      second.serve("/disk.img", content).etag("\"v1\"");
      RecordingListener listener = new RecordingListener();

      FetchResult result =
          downloader.fetch(
              FetchRequest.of(
                  List.of(server.uri("/disk.img"), second.uri("/disk.img")), "sha256", hex, null),
              listener);

      assertThat(result.file()).hasBinaryContent(content);
      assertThat(result.source()).isEqualTo(second.uri("/disk.img"));
      // the second mirror continued after the bytes the first one left
      assertThat(second.requests("/disk.img").get(0).header("Range")).startsWith("bytes=");
    } finally {
      second.close();
    }
  }
}
