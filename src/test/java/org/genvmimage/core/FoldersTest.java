package org.genvmimage.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FoldersTest {
  @TempDir Path dir;

  @Test
  void theFolderOfABareFileNameIsTheCurrentFolder() {
    Path cwd = Path.of("").toAbsolutePath();
    assertThat(Path.of("image.qcow2").getParent()).isNull();
    assertThat(Folders.of(Path.of("image.qcow2"))).isEqualTo(cwd);
    assertThat(Folders.of(Path.of("a", "b.qcow2"))).isEqualTo(cwd.resolve("a"));
    assertThat(Folders.of(dir.resolve("x.img"))).isEqualTo(dir);
    assertThat(Folders.of(Path.of("/"))).isEqualTo(Path.of("/"));
    assertThat(Folders.of(Path.of("image.qcow2")).isAbsolute()).isTrue();
  }

  @Test
  void createsTheMissingFoldersAndTellsWhichOutermostFirst() throws IOException {
    Files.createDirectory(dir.resolve("a"));
    List<Path> created = Folders.create(dir.resolve("a/b/c"));
    assertThat(created).containsExactly(dir.resolve("a/b"), dir.resolve("a/b/c"));
    assertThat(dir.resolve("a/b/c")).isDirectory();
    assertThat(Folders.create(dir.resolve("a/b/c"))).isEmpty();
  }

  @Test
  void removesOnlyTheFoldersItCreatedAndOnlyWhileEmpty() throws IOException {
    Files.createDirectory(dir.resolve("a"));
    List<Path> created = Folders.create(dir.resolve("a/b/c/d"));
    assertThat(Folders.removeIfEmpty(created)).hasSize(3);
    assertThat(dir.resolve("a")).isDirectory();
    assertThat(dir.resolve("a/b")).doesNotExist();

    created = Folders.create(dir.resolve("a/b/c/d"));
    Files.writeString(dir.resolve("a/b/someone-else.txt"), "x");
    assertThat(Folders.removeIfEmpty(created))
        .containsExactly(dir.resolve("a/b/c/d"), dir.resolve("a/b/c"));
    assertThat(dir.resolve("a/b/someone-else.txt")).exists();
    assertThat(dir.resolve("a")).isDirectory();
  }

  @Test
  void aFileInTheWayFailsAndLeavesNothingBehind() throws IOException {
    Files.createDirectory(dir.resolve("a"));
    Files.writeString(dir.resolve("a/file"), "x");
    assertThatThrownBy(() -> Folders.create(dir.resolve("a/file/b")))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(dir.resolve("a/file")).isRegularFile();
  }

  @Test
  void createsTheFoldersOfARelativePath() throws IOException {
    Path relative = Path.of("").toAbsolutePath().relativize(dir.resolve("r/s"));
    List<Path> created = Folders.create(relative);
    assertThat(created).allMatch(Path::isAbsolute);
    assertThat(created.stream().map(Path::normalize))
        .containsExactly(dir.resolve("r"), dir.resolve("r/s"));
    Folders.removeIfEmpty(created);
    assertThat(dir.resolve("r")).doesNotExist();
  }
}
