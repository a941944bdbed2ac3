package org.genvmimage.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The GNU sha256sum format, read back by the real coreutils tool. */
class Sha256SumsTest {
  @TempDir Path dir;

  static final String A = "a".repeat(64);
  static final String B = "b".repeat(64);

  @Test
  void linesAreSortedByNameAndOtherLinesKeptVerbatimAfterThem() {
    Sha256Sums sums =
        Sha256Sums.parse(
            "# made by hand\n"
                + B.toUpperCase()
                + "  z.qcow2\n"
                + A
                + " *a.raw\n"
                + "SHA256 (tagged.iso) = "
                + A
                + "\n\n");

    assertThat(sums.get("a.raw")).contains(A);
    assertThat(sums.get("z.qcow2")).contains(B);
    assertThat(sums.get("tagged.iso")).isEmpty();
    assertThat(sums.render())
        .isEqualTo(
            A
                + "  a.raw\n"
                + B
                + "  z.qcow2\n"
                + "# made by hand\n"
                + "SHA256 (tagged.iso) = "
                + A
                + "\n");
    sums.remove("a.raw");
    sums.put("m.vhd", A);
    assertThat(sums.entries().keySet()).containsExactly("m.vhd", "z.qcow2");
  }

  @Test
  void namesWithBackslashesNewlinesAndSpacesAreWrittenAsCoreutilsReadsThem() throws Exception {
    List<String> names = List.of("sp ace.qcow2", "back\\slash.raw", "new\nline.vhd", "cr\rx.img");
    Sha256Sums sums = new Sha256Sums();
    for (int i = 0; i < names.size(); i++) {
      Path file = dir.resolve(names.get(i));
      Files.writeString(file, "content " + i);
      sums.put(names.get(i), FileHash.sha256(file, null));
    }
    Files.writeString(dir.resolve("SHA256SUMS"), sums.render());

    Process p =
        new ProcessBuilder("sha256sum", "--strict", "-c", "SHA256SUMS")
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out.lines().filter(l -> l.endsWith(": OK"))).hasSize(4);

    // and what coreutils writes reads back as the same names
    Process made =
        new ProcessBuilder(
                List.of(
                    "sha256sum", "sp ace.qcow2", "back\\slash.raw", "new\nline.vhd", "cr\rx.img"))
            .directory(dir.toFile())
            .start();
    String written = new String(made.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(made.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(Sha256Sums.parse(written).entries()).isEqualTo(sums.entries());
  }

  @Test
  void aBadEscapeIsNotAName() {
    assertThat(Sha256Sums.parse("\\" + A + "  bad\\x\n").entries()).isEmpty();
    assertThat(Sha256Sums.parse("\\" + A + "  bad\\x\n").render())
        .isEqualTo("\\" + A + "  bad\\x\n");
  }
}
