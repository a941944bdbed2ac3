package org.genvmimage.manifest;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The merge rules of a folder's manifest, on real files. */
class ManifestFolderTest {
  @TempDir Path dir;

  ManifestEntry hashed(String name, String content) throws Exception {
    Path file = Files.writeString(dir.resolve(name), content);
    return new ManifestEntry(FileHash.sha256(file, null), FileStamp.of(file));
  }

  String manifest() throws Exception {
    return Files.readString(dir.resolve("SHA256SUMS"));
  }

  @Test
  void aNameWithoutAnEntryKeepsItsLineWhileItsFileKeepsItsStamp() throws Exception {
    ManifestFolder folder = new ManifestFolder(dir);
    ManifestEntry a = hashed("a.qcow2", "a");
    ManifestEntry b = hashed("b.raw", "b");
    folder.update(Map.of("a.qcow2", a, "b.raw", b));
    String both = manifest();
    assertThat(both).contains(a.sha256() + "  a.qcow2\n", b.sha256() + "  b.raw\n");
    assertThat(folder.recorded()).containsEntry("a.qcow2", a).containsEntry("b.raw", b);

    Map<String, ManifestEntry> failed = new HashMap<>();
    failed.put("b.raw", null);
    folder.update(failed);
    assertThat(manifest()).isEqualTo(both);

    // same size and content, but written again: another modification time
    Files.setLastModifiedTime(
        dir.resolve("b.raw"), FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
    folder.update(failed);
    assertThat(manifest()).isEqualTo(a.sha256() + "  a.qcow2\n");
    assertThat(folder.recorded()).containsOnlyKeys("a.qcow2");

    // the last line gone: no manifest at all
    Files.delete(dir.resolve("a.qcow2"));
    Map<String, ManifestEntry> gone = new HashMap<>();
    gone.put("a.qcow2", null);
    assertThat(folder.update(gone)).isNull();
    assertThat(dir.resolve("SHA256SUMS")).doesNotExist();
  }

  @Test
  void anEntryForAFileThatChangedSinceItWasHashedIsNotWritten() throws Exception {
    ManifestFolder folder = new ManifestFolder(dir);
    ManifestEntry a = hashed("a.qcow2", "a");
    Files.writeString(dir.resolve("a.qcow2"), "changed after hashing");
    assertThat(folder.update(Map.of("a.qcow2", a))).isNull();
    assertThat(dir.resolve("SHA256SUMS")).doesNotExist();
  }

  @Test
  void nothingToListInAFolderWithoutAManifestWritesNothing() throws Exception {
    Map<String, ManifestEntry> failed = new HashMap<>();
    failed.put("a.qcow2", null);
    assertThat(new ManifestFolder(dir).update(failed)).isNull();
    assertThat(dir).isEmptyDirectory();
  }

  @Test
  void linesOfOtherNamesAreKeptAsTheyAre() throws Exception {
    String other = "c".repeat(64) + "  other.iso\n";
    Files.writeString(dir.resolve("SHA256SUMS"), other);
    ManifestEntry a = hashed("a.qcow2", "a");
    new ManifestFolder(dir).update(Map.of("a.qcow2", a));
    assertThat(manifest()).isEqualTo(a.sha256() + "  a.qcow2\n" + other);
  }

  @Test
  void aLineWrittenByAnotherToolIsNotVouchedForAndGoesWhenItsImageFails() throws Exception {
    ManifestEntry a = hashed("a.qcow2", "a");
    Files.writeString(dir.resolve("SHA256SUMS"), a.sha256() + "  a.qcow2\n");
    ManifestFolder folder = new ManifestFolder(dir);
    assertThat(folder.recorded()).isEmpty();
    Map<String, ManifestEntry> failed = new HashMap<>();
    failed.put("a.qcow2", null);
    folder.update(failed);
    assertThat(dir.resolve("SHA256SUMS")).doesNotExist();
  }

  @Test
  void concurrentUpdatesLoseNoLine() throws Exception {
    int n = 16;
    List<ManifestEntry> entries = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      entries.add(hashed("image-" + i + ".qcow2", "image " + i));
    }
    ExecutorService pool = Executors.newFixedThreadPool(n);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Path>> done = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = i;
      // each thread its own ManifestFolder, as two runs would have
      done.add(
          pool.submit(
              () -> {
                go.await();
                return new ManifestFolder(dir)
                    .update(Map.of("image-" + k + ".qcow2", entries.get(k)));
              }));
    }
    go.countDown();
    for (Future<Path> f : done) {
      f.get();
    }
    pool.shutdown();
    assertThat(manifest().lines()).hasSize(n);
    assertThat(new ManifestFolder(dir).recorded()).hasSize(n);
  }
}
