package org.genvmimage.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpHeaders;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The single-connection fetch on its own: one range of a file, redirects, the body's way. */
class HttpAttemptTest {
  private static final DownloadSettings SETTINGS =
      new DownloadSettings(
          3,
          Duration.ofMillis(10),
          Duration.ofMillis(50),
          Duration.ofSeconds(5),
          Duration.ofSeconds(5),
          64 * 1024);

  private TestHttpServer server;
  private final byte[] content = TestHttpServer.randomBytes(3_000_000, 11);
  private final HttpTransfer transfer = new HttpTransfer(SETTINGS);

  @BeforeEach
  void setUp() {
    server = TestHttpServer.start();
  }

  @AfterEach
  void tearDown() {
    server.close();
  }

  /** Holds the bytes {@code first..last} of a file, as a fetch over several connections would. */
  private static final class PartSink implements Sink {
    private final long first;
    private final long last;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    PartSink(long first, long last) {
      this.first = first;
      this.last = last;
    }

    @Override
    public long size() {
      return bytes.size();
    }

    @Override
    public long firstByte() {
      return first;
    }

    @Override
    public long lastByte() {
      return last;
    }

    @Override
    public boolean resumable() {
      return true;
    }

    @Override
    public String ifRange(URI uri) {
      return null;
    }

    @Override
    public long knownTotal() {
      return -1;
    }

    @Override
    public void restart(PartInfo info) {
      bytes.reset();
    }

    @Override
    public void accept(ByteBuffer buffer) {
      byte[] b = new byte[buffer.remaining()];
      buffer.get(b);
      bytes.writeBytes(b);
    }

    @Override
    public void flush() {}
  }

  @Test
  void aPartIsFetchedWithABoundedRange() {
    server.serve("/disk.img", content);
    PartSink part = new PartSink(1_000_000, 1_999_999);

    long received = transfer.run(server.uri("/disk.img"), part, DownloadListener.NONE);

    assertThat(received).isEqualTo(1_000_000);
    assertThat(part.bytes.toByteArray())
        .isEqualTo(Arrays.copyOfRange(content, 1_000_000, 2_000_000));
    assertThat(server.requests()).hasSize(1);
    assertThat(server.requests().get(0).header("Range")).isEqualTo("bytes=1000000-1999999");
  }

  @Test
  void aPartCutMidwayIsResumedWithinItsRange() {
    server.serve("/disk.img", content).cutAfter(300_000, 1);
    PartSink part = new PartSink(1_000_000, 1_999_999);

    transfer.run(server.uri("/disk.img"), part, DownloadListener.NONE);

    assertThat(part.bytes.toByteArray())
        .isEqualTo(Arrays.copyOfRange(content, 1_000_000, 2_000_000));
    assertThat(server.requests()).hasSize(2);
    assertThat(server.requests().get(1).header("Range")).isEqualTo("bytes=1300000-1999999");
  }

  @Test
  void aPartThatAServerAnswersWithTheWholeFileFails() {
    server.serve("/disk.img", content).ranges(false);
    PartSink part = new PartSink(1_000_000, 1_999_999);

    RangeIgnored e =
        catchThrowableOfType(
            RangeIgnored.class,
            () -> transfer.run(server.uri("/disk.img"), part, DownloadListener.NONE));

    assertThat(e)
        .hasMessage(
            server.uri("/disk.img")
                + ": HTTP 200 to a range request: the server sent the whole file");
    assertThat(part.size()).isZero();
    assertThat(server.requests()).hasSize(1);
  }

  @Test
  void aCompletePartSendsNoRequest() {
    server.serve("/disk.img", content);
    PartSink part = new PartSink(2_999_999, 2_999_999);
    part.accept(ByteBuffer.wrap(new byte[] {content[2_999_999]}));

    transfer.run(server.uri("/disk.img"), part, DownloadListener.NONE);

    assertThat(server.requests()).isEmpty();
  }

  @Test
  void aRelativeRedirectIsResolvedAgainstTheUrlThatSentIt() {
    server.serve("/images/real.img", content);
    server.redirect("/images/disk.img", URI.create("real.img"), 301);
    MemorySink sink = new MemorySink(8 << 20);

    transfer.run(server.uri("/images/disk.img"), sink, DownloadListener.NONE);

    assertThat(sink.bytes()).isEqualTo(content);
    assertThat(server.requests().get(1).path()).isEqualTo("/images/real.img");
  }

  @Test
  void tooManyRedirectsEndWithTheLastRedirectNamed() {
    server.redirect("/loop", URI.create("/loop"), 302);

    org.genvmimage.core.GenVmException e =
        catchThrowableOfType(
            org.genvmimage.core.GenVmException.class,
            () ->
                transfer.run(server.uri("/loop"), new MemorySink(1 << 20), DownloadListener.NONE));

    assertThat(e)
        .hasMessage(server.uri("/loop") + ": HTTP 302 Found (redirect to /loop not followed)");
    assertThat(server.requests()).hasSize(HttpGet.MAX_REDIRECTS + 1);
  }

  @Test
  void redirectTargets() {
    URI https = URI.create("https://example.org/a/disk.img");
    assertThat(HttpGet.redirectTarget(https, location("b.img")))
        .isEqualTo(URI.create("https://example.org/a/b.img"));
    assertThat(HttpGet.redirectTarget(https, location("//mirror.example.org/x.img")))
        .isEqualTo(URI.create("https://mirror.example.org/x.img"));
    assertThat(HttpGet.redirectTarget(https, location("HTTPS://m.example.org/x.img")))
        .isEqualTo(URI.create("HTTPS://m.example.org/x.img"));
    assertThat(HttpGet.redirectTarget(https, location("http://example.org/a/disk.img")))
        .as("never from https to http")
        .isNull();
    assertThat(HttpGet.redirectTarget(https, location("ftp://example.org/disk.img"))).isNull();
    assertThat(HttpGet.redirectTarget(https, location("not a uri"))).isNull();
    assertThat(
            HttpGet.redirectTarget(
                URI.create("http://example.org/disk.img"), location("https://example.org/d.img")))
        .isEqualTo(URI.create("https://example.org/d.img"));
    assertThat(HttpGet.redirectTarget(https, HttpHeaders.of(Map.of(), (a, b) -> true))).isNull();
  }

  private static HttpHeaders location(String value) {
    return HttpHeaders.of(Map.of("Location", List.of(value)), (a, b) -> true);
  }
}
