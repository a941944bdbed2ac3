package org.genvmimage.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DownloadCacheTest {
  private static final String HEX = "ab".repeat(32);

  @TempDir Path tmp;

  @Test
  void defaultDirFollowsXdgThenHome() {
    assertThat(DownloadCache.defaultDir(Map.of("XDG_CACHE_HOME", "/x/cache", "HOME", "/home/u")))
        .isEqualTo(Path.of("/x/cache/gen-vm-image"));
    assertThat(DownloadCache.defaultDir(Map.of("HOME", "/home/u")))
        .isEqualTo(Path.of("/home/u/.cache/gen-vm-image"));
    // the XDG spec says relative paths are invalid and must be ignored
    assertThat(DownloadCache.defaultDir(Map.of("XDG_CACHE_HOME", "rel", "HOME", "/home/u")))
        .isEqualTo(Path.of("/home/u/.cache/gen-vm-image"));
    assertThat(DownloadCache.defaultDir(Map.of("XDG_CACHE_HOME", "", "HOME", "/home/u")))
        .isEqualTo(Path.of("/home/u/.cache/gen-vm-image"));
    assertThat(DownloadCache.defaultDir(Map.of()))
        .isEqualTo(Path.of(System.getProperty("user.home"), ".cache", "gen-vm-image"));
  }

  @Test
  void layoutIsTypeThenDigest() {
    DownloadCache cache = new DownloadCache(tmp);
    assertThat(cache.dir()).isEqualTo(tmp.toAbsolutePath());
    assertThat(cache.entryPath(new Digest("SHA256", HEX)))
        .isEqualTo(tmp.resolve("sha256").resolve(HEX));
    assertThat(cache.partPath(new Digest("sha256", HEX)))
        .isEqualTo(tmp.resolve("sha256/" + HEX + ".part"));
    assertThat(cache.lockPath(new Digest("sha256", HEX)))
        .isEqualTo(tmp.resolve("sha256/" + HEX + ".lock"));
    assertThatThrownBy(() -> cache.entryPath(new Digest("sha256", "../etc")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> cache.entryPath(new Digest("nope", HEX)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void entriesListOnlyVerifiedFilesWithTheirMetadata() throws Exception {
    DownloadCache cache = new DownloadCache(tmp);
    assertThat(cache.entries()).isEmpty();
    Path file = cache.entryPath(new Digest("sha256", HEX));
    Files.createDirectories(file.getParent());
    Files.write(file, new byte[10]);
    Files.write(cache.partPath(new Digest("sha256", "cd".repeat(32))), new byte[3]);
    Files.createFile(cache.lockPath(new Digest("sha256", HEX)));
    Instant created = Instant.parse("2024-01-02T03:04:05Z");
    URI source = URI.create("https://example.org/disk.img");
    cache.writeInfo(new Digest("sha256", HEX), new EntryInfo(source, 10, created, created));

    assertThat(cache.entries())
        .containsExactly(
            new CacheEntry(
                new Digest("sha256", HEX), file, 10, List.of(source), created, created, false));

    cache.touch(new Digest("sha256", HEX), cache.readInfo(new Digest("sha256", HEX)), 10, source);
    CacheEntry touched = cache.entry(new Digest("sha256", HEX)).orElseThrow();
    assertThat(touched.created()).isEqualTo(created);
    assertThat(touched.lastUsed()).isAfter(created);

    URI mirror = URI.create("https://mirror.example.org/disk.img");
    cache.touch(new Digest("sha256", HEX), cache.readInfo(new Digest("sha256", HEX)), 10, mirror);
    assertThat(cache.entry(new Digest("sha256", HEX)).orElseThrow().sources())
        .containsExactly(source, mirror);
    assertThat(cache.entry(new Digest("sha256", HEX)).orElseThrow().source()).isEqualTo(source);

    Path part = cache.partPath(new Digest("sha256", "cd".repeat(32)));
    Instant mtime = Instant.parse("2024-05-06T07:08:09Z");
    Files.setLastModifiedTime(part, java.nio.file.attribute.FileTime.from(mtime));
    Instant lastUsed = cache.entry(new Digest("sha256", HEX)).orElseThrow().lastUsed();
    assertThat(cache.list())
        .extracting(e -> e.digest().hex(), CacheEntry::partial, CacheEntry::lastUsed)
        .containsExactly(tuple(HEX, false, lastUsed), tuple("cd".repeat(32), true, mtime));
  }

  @Test
  void entryWithoutMetadataIsStillListed() throws Exception {
    DownloadCache cache = new DownloadCache(tmp);
    Path file = cache.entryPath(new Digest("md5", "0".repeat(32)));
    Files.createDirectories(file.getParent());
    Files.write(file, new byte[4]);
    Files.writeString(cache.infoPath(new Digest("md5", "0".repeat(32))), "{not json");

    assertThat(cache.entries())
        .containsExactly(
            new CacheEntry(
                new Digest("md5", "0".repeat(32)),
                file,
                4,
                List.of(),
                null,
                Files.getLastModifiedTime(file).toInstant(),
                false));
  }

  @Test
  void sumsRecordsAreKeptPerTypeSumsFileAndName() {
    DownloadCache cache = new DownloadCache(tmp);
    URI sums = URI.create("https://example.org/SHA256SUMS");
    cache.recordResolved(new Digest("sha256", HEX), sums, "a.img");

    assertThat(cache.lastResolved("sha256", sums, "a.img"))
        .get()
        .extracting(r -> r.digest().hex())
        .isEqualTo(HEX);
    assertThat(cache.lastResolved("sha256", sums, "b.img")).isEmpty();
    assertThat(cache.lastResolved("sha512", sums, "a.img")).isEmpty();
  }

  @Test
  void partInfoOffersStrongValidatorsForTheSameSourceOnly() {
    URI uri = URI.create("https://example.org/disk.img");
    assertThat(new PartInfo(uri, "\"e\"", "date", 5).ifRange(uri)).isEqualTo("\"e\"");
    assertThat(new PartInfo(uri, "W/\"e\"", "date", 5).ifRange(uri)).isEqualTo("date");
    assertThat(new PartInfo(uri, null, null, 5).ifRange(uri)).isNull();
    assertThat(
            new PartInfo(uri, "\"e\"", null, 5)
                .ifRange(URI.create("https://mirror.example.org/disk.img")))
        .isNull();
  }
}
