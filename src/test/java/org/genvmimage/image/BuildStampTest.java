package org.genvmimage.image;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The build stamp's output format, and stamps written before it was recorded. */
class BuildStampTest {
  @TempDir Path dir;

  @Test
  void aStampWithoutAFormatIsReadAsQcow2AndAFormatChangeIsAnotherOrigin() throws Exception {
    Path image = dir.resolve("image.qcow2");
    Files.writeString(
        BuildStamp.pathFor(image),
        """
        {"source": "https://example.org/a.qcow2", "checksumType": "sha256",
         "checksumHex": "ab", "sizeBytes": 1024, "builtAt": "2026-01-01T00:00:00Z"}
        """);

    BuildStamp old = BuildStamp.read(image).orElseThrow();

    assertThat(old.format()).isEqualTo("qcow2");
    BuildStamp qcow2 = new BuildStamp("x", "SHA256", "AB", 1024, null, "qcow2");
    BuildStamp vmdk = new BuildStamp("x", "sha256", "ab", 1024, null, "vmdk");
    assertThat(old.sameOrigin(qcow2)).isTrue();
    assertThat(old.sameOrigin(vmdk)).isFalse();

    vmdk.write(image);
    assertThat(BuildStamp.read(image)).contains(vmdk);
    assertThat(Files.readString(BuildStamp.pathFor(image))).contains("\"format\" : \"vmdk\"");
  }

  @Test
  void aStampWithoutSubformatOrCompressionIsTheDefaultUncompressedAndEachChangeIsAnotherOrigin()
      throws Exception {
    Path image = dir.resolve("image.vhd");
    Files.writeString(
        BuildStamp.pathFor(image),
        """
        {"source": "x", "checksumType": "sha256", "checksumHex": "ab", "sizeBytes": 1024,
         "builtAt": "2026-01-01T00:00:00Z", "format": "vpc"}
        """);

    BuildStamp old = BuildStamp.read(image).orElseThrow();

    assertThat(old.subformat()).isEqualTo("dynamic");
    assertThat(old.compression()).isNull();
    assertThat(old.sameOrigin(new BuildStamp("x", "sha256", "ab", 1024, null, "vpc"))).isTrue();
    assertThat(old.sameOrigin(stamp("vpc", "dynamic", null))).isTrue();
    assertThat(old.sameOrigin(stamp("vpc", "fixed", null))).isFalse();

    BuildStamp plain = stamp("qcow2", null, null);
    assertThat(plain.subformat()).isNull();
    assertThat(plain.sameOrigin(stamp("qcow2", null, "zstd"))).isFalse();
    assertThat(stamp("qcow2", null, "zlib").sameOrigin(stamp("qcow2", null, "zstd"))).isFalse();
    assertThat(stamp("qcow2", null, "zstd").sameOrigin(stamp("qcow2", null, "zstd"))).isTrue();

    BuildStamp zstd = stamp("qcow2", null, "zstd");
    zstd.write(image);
    assertThat(BuildStamp.read(image)).contains(zstd);
    assertThat(Files.readString(BuildStamp.pathFor(image))).contains("\"compression\" : \"zstd\"");
  }

  private static BuildStamp stamp(String format, String subformat, String compression) {
    return new BuildStamp("x", "sha256", "ab", 1024, null, format, subformat, compression);
  }
}
