package org.genvmimage.architecture;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.junit.jupiter.api.Test;

class RecordsTest {
  private static final String MD5 = "900150983cd24fb0d6963f7d28e17f72";
  private static final URI SOURCE = URI.create("https://example.org/images/disk.qcow2");

  @Test
  void checksumSpecIsCanonical() {
    ChecksumSpec spec = ChecksumSpec.ofHex("MD5", MD5.toUpperCase());
    assertThat(spec.type()).isEqualTo("md5");
    assertThat(spec.hex()).isEqualTo(MD5);
    assertThat(spec.isSumsFile()).isFalse();

    ChecksumSpec sums = ChecksumSpec.ofSumsFile("Sha256", URI.create("file:///srv/SHA256SUMS"));
    assertThat(sums.type()).isEqualTo("sha256");
    assertThat(sums.isSumsFile()).isTrue();
  }

  @Test
  void checksumSpecHoldsExactlyOneSource() {
    assertThatThrownBy(() -> new ChecksumSpec("md5", null, null))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ChecksumSpec("md5", MD5, URI.create("file:///srv/MD5SUMS")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChecksumSpec.ofHex("md5", MD5 + "0"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChecksumSpec.ofHex("md5", "z" + MD5.substring(1)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> ChecksumSpec.ofHex("sha257", MD5))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unknown checksum type 'sha257'; supported: md5, sha1,");
  }

  @Test
  void imageSpecNamesTheFileBehindItsSource() {
    assertThat(image("rocky", SOURCE).fileName()).isEqualTo("disk.qcow2");
    assertThat(image("rocky", URI.create("file:///srv/my%20disk.img")).fileName())
        .isEqualTo("my disk.img");
    assertThat(image("rocky", URI.create("https://example.org/a/b.qcow2?sig=1")).fileName())
        .isEqualTo("b.qcow2");
    assertThat(image("rocky", URI.create("https://example.org/a/")).fileName()).isEmpty();
  }

  @Test
  void imageSpecRejectsUnsafeKeysAndRelativeSources() {
    assertThatThrownBy(() -> image("../etc/passwd", SOURCE))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> image("rocky", URI.create("disk.qcow2")))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void architectureKeepsImagesInOrderAndUnmodifiable() {
    Map<String, ImageSpec> images = new LinkedHashMap<>();
    images.put("zeta", image("zeta", SOURCE));
    images.put("alpha", image("alpha", SOURCE));
    Architecture architecture = new Architecture(Path.of("arch.yml"), "acme", images);
    images.clear();

    assertThat(architecture.images().keySet()).containsExactly("zeta", "alpha");
    assertThatThrownBy(() -> architecture.images().clear())
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> new Architecture(Path.of("arch.yml"), "acme", Map.of()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                new Architecture(
                    Path.of("arch.yml"), "acme", Map.of("other", image("alpha", SOURCE))))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void architectureExceptionJoinsItsProblems() {
    ArchitectureException failure =
        new ArchitectureException(List.of("a.yml:1:1: x", "a.yml:2:1: y"));
    assertThat(failure).isInstanceOf(GenVmException.class);
    assertThat(failure.exitCode()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(failure.problems()).containsExactly("a.yml:1:1: x", "a.yml:2:1: y");
    assertThat(failure).hasMessage("a.yml:1:1: x\na.yml:2:1: y");
  }

  private static ImageSpec image(String key, URI source) {
    return new ImageSpec(
        key, "Name", "1", source, ChecksumSpec.ofHex("md5", MD5), DiskSize.parse("1G"));
  }
}
