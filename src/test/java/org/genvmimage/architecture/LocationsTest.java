package org.genvmimage.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LocationsTest {
  private static final Path BASE = Path.of("/work/arch");

  @ParameterizedTest(name = "''{0}'' is {1}")
  @CsvSource({
    "https://example.org/img/a.qcow2, https://example.org/img/a.qcow2",
    "HTTP://Example.org/a.qcow2?x=1, HTTP://Example.org/a.qcow2?x=1",
    "' https://example.org/a.qcow2 ', https://example.org/a.qcow2",
    "file:///srv/images/a.qcow2, file:///srv/images/a.qcow2",
    "file:/srv/images/a.qcow2, file:///srv/images/a.qcow2",
    "file://localhost/srv/a.qcow2, file:///srv/a.qcow2",
    "FILE:///srv/a.qcow2, file:///srv/a.qcow2",
    "file:///srv/my%20disk.qcow2, file:///srv/my%20disk.qcow2",
    "/srv/images/a.qcow2, file:///srv/images/a.qcow2",
    "disks/a.qcow2, file:///work/arch/disks/a.qcow2",
    "./a.qcow2, file:///work/arch/a.qcow2",
    "../shared/a.qcow2, file:///work/shared/a.qcow2",
    "my disk.qcow2, file:///work/arch/my%20disk.qcow2",
    "file:relative/SHA256SUMS, file:///work/arch/relative/SHA256SUMS",
    "./ftp:odd.qcow2, file:///work/arch/ftp:odd.qcow2"
  })
  void resolves(String text, String expected) {
    assertThat(Locations.resolve(text, BASE)).isEqualTo(URI.create(expected));
  }

  @ParameterizedTest(name = "''{0}''")
  @CsvSource(
      delimiter = '|',
      value = {
        "'' | no location (expected an http(s) URL, a file: URL or a local path)",
        "ftp://example.org/a.qcow2 | unsupported URL scheme 'ftp:' (expected an http(s) URL, a"
            + " file: URL or a local path)",
        "disk:1.qcow2 | unsupported URL scheme 'disk:' (expected an http(s) URL, a file: URL or a"
            + " local path; write './disk:1.qcow2' for a file)",
        "https:///a.qcow2 | URL 'https:///a.qcow2' has no host",
        "https:a.qcow2 | URL 'https:a.qcow2' has no host",
        "https://exa mple.org/a | invalid URL 'https://exa mple.org/a': Illegal character in"
            + " authority at index 8",
        "file://server/a.qcow2 | file URL 'file://server/a.qcow2' names host 'server' (expected a"
            + " local file",
        "file:///a.qcow2?v=1 | file URL 'file:///a.qcow2?v=1' has a query or fragment",
        "~/a.qcow2 | path '~/a.qcow2' starts with '~', which is not expanded",
        "file: | invalid URL 'file:': Expected scheme-specific part at index 5"
      })
  void rejects(String text, String message) {
    assertThatThrownBy(() -> Locations.resolve(text, BASE))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith(message);
  }
}
