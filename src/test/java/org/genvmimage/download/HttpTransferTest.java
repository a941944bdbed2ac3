package org.genvmimage.download;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HttpTransferTest {
  @Test
  void contentRanges() {
    assertThat(ContentRange.parse("bytes 100-199/1000"))
        .isEqualTo(new ContentRange(100, 199, 1000));
    assertThat(ContentRange.parse("bytes 100-199/*")).isEqualTo(new ContentRange(100, 199, -1));
    assertThat(ContentRange.parse("bytes */1000")).isEqualTo(new ContentRange(-1, -1, 1000));
    assertThat(ContentRange.parse("bytes 200-100/1000")).isNull();
    assertThat(ContentRange.parse("bytes 0-1000/1000")).isNull();
    assertThat(ContentRange.parse("items 0-1/2")).isNull();
    assertThat(ContentRange.parse(null)).isNull();
  }

  @Test
  void retryAfterInSecondsOrAsADate() {
    assertThat(RetryPolicy.retryAfter(headers("Retry-After", "3")))
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(RetryPolicy.retryAfter(headers("Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT")))
        .isEqualTo(Duration.ZERO);
    assertThat(RetryPolicy.retryAfter(headers("Retry-After", "soon"))).isNull();
    assertThat(RetryPolicy.retryAfter(headers("Other", "1"))).isNull();
  }

  @Test
  void secondsForMessages() {
    assertThat(HttpFailures.seconds(Duration.ofSeconds(60))).isEqualTo("60 s");
    assertThat(HttpFailures.seconds(Duration.ofMillis(300))).isEqualTo("0.3 s");
  }

  @Test
  void fileNamesAreDecoded() {
    assertThat(FetchRequest.fileNameOf(URI.create("https://h/a/Rocky%209.qcow2?x=1")))
        .isEqualTo("Rocky 9.qcow2");
    assertThat(FetchRequest.fileNameOf(URI.create("file:///tmp/disk.img"))).isEqualTo("disk.img");
  }

  private static HttpHeaders headers(String name, String value) {
    return HttpHeaders.of(Map.of(name, List.of(value)), (a, b) -> true);
  }
}
