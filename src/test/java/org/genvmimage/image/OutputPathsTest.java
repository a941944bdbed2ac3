package org.genvmimage.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.genvmimage.architecture.Architecture;
import org.genvmimage.architecture.ArchitectureLoader;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The output path rule, from the option as written. */
class OutputPathsTest {
  @TempDir Path dir;

  Architecture architecture(String... keys) throws IOException {
    StringBuilder yaml = new StringBuilder("owner: t\nimages:\n");
    for (String key : keys) {
      yaml.append("  ")
          .append(key)
          .append(":\n    name: ")
          .append(key)
          .append("\n    version: 1\n    get_url: https://example.org/")
          .append(key)
          .append(".img\n    checksum:\n      type: sha256\n      value: ")
          .append("ab".repeat(32))
          .append("\n    size: 1G\n");
    }
    Path file = dir.resolve("architecture.yml");
    Files.writeString(file, yaml);
    return ArchitectureLoader.load(file);
  }

  @Test
  void oneImage() throws IOException {
    Architecture one = architecture("one");
    Files.createDirectories(dir.resolve("there"));
    String there = dir.resolve("there").toString();
    assertThat(OutputPaths.plan(one, List.of(), "img.qcow2"))
        .containsEntry("one", Path.of("img.qcow2"));
    assertThat(OutputPaths.plan(one, List.of(), "out/x.qcow2"))
        .containsEntry("one", Path.of("out/x.qcow2"));
    assertThat(OutputPaths.plan(one, List.of(), "newdir/"))
        .containsEntry("one", Path.of("newdir/image.qcow2"));
    assertThat(OutputPaths.plan(one, List.of(), "newdir/."))
        .containsEntry("one", Path.of("newdir/./image.qcow2"));
    assertThat(OutputPaths.plan(one, List.of(), there))
        .containsEntry("one", Path.of(there, "image.qcow2"));
    assertThat(OutputPaths.plan(one, List.of(), there + "/"))
        .containsEntry("one", Path.of(there, "image.qcow2"));
    assertThat(OutputPaths.plan(one, List.of(), "/")).containsEntry("one", Path.of("/image.qcow2"));
  }

  @Test
  void severalImages() throws IOException {
    Architecture two = architecture("a", "b");
    assertThat(OutputPaths.plan(two, List.of(), "img.qcow2"))
        .containsEntry("a", Path.of("a.qcow2"))
        .containsEntry("b", Path.of("b.qcow2"));
    assertThat(OutputPaths.plan(two, List.of("b"), "out/x.qcow2"))
        .containsOnlyKeys("b")
        .containsEntry("b", Path.of("out/b.qcow2"));
    assertThat(OutputPaths.plan(two, List.of(), "out/"))
        .containsEntry("a", Path.of("out/a.qcow2"))
        .containsEntry("b", Path.of("out/b.qcow2"));
  }

  @Test
  void theDiskIsNotAskedWhenTheKindIsKnown() throws IOException {
    Files.createDirectories(dir.resolve("generated-images/image.qcow2"));
    Path output = dir.resolve("generated-images/image.qcow2");
    assertThat(OutputPaths.plan(architecture("one"), List.of(), output, false))
        .containsEntry("one", output);
    assertThat(OutputPaths.plan(architecture("one"), List.of(), output.toString()))
        .containsEntry("one", output.resolve("image.qcow2"));
  }

  @Test
  void unknownKeysAndEmptyPathsAreUsageErrors() throws IOException {
    assertThatThrownBy(() -> OutputPaths.plan(architecture("one"), List.of("two"), "x"))
        .isInstanceOfSatisfying(
            GenVmException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE.code()))
        .hasMessageContaining("--image two: no such image");
    assertThatThrownBy(() -> OutputPaths.plan(architecture("one"), List.of(), " "))
        .isInstanceOfSatisfying(
            GenVmException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE.code()));
  }

  @Test
  void anImagesOwnOutputPathWinsAndMayNotMeetAnotherImagesPath() throws IOException {
    Path file =
        Files.writeString(
            dir.resolve("own.yml"),
            "owner: o\nimages:\n  a: {name: a, size: 1G, output: {path: x/own.qcow2}}\n"
                + "  b: {name: b, size: 1G}\n");
    Architecture own = ArchitectureLoader.load(file);
    assertThat(OutputPaths.plan(own, List.of(), "out/image.qcow2"))
        .containsEntry("a", Path.of("x/own.qcow2"))
        .containsEntry("b", Path.of("out/b.qcow2"));

    Path clash =
        Files.writeString(
            dir.resolve("clash.yml"),
            "owner: o\nimages:\n  a: {name: a, size: 1G, output: {path: x/b.qcow2}}\n"
                + "  b: {name: b, size: 1G}\n");
    assertThatThrownBy(() -> OutputPaths.plan(ArchitectureLoader.load(clash), List.of("a"), "x/"))
        .isInstanceOfSatisfying(
            GenVmException.class,
            e -> {
              assertThat(e.exitCode()).isEqualTo(ExitCode.INVALID_INPUT.code());
              assertThat(e.getMessage())
                  .isEqualTo(
                      clash
                          + ": images a and b would both be written to x/b.qcow2; give one an"
                          + " output.path of its own");
            });
  }
}
