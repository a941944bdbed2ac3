package org.genvmimage.download;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;

/** What the {@link DownloadCache} holds: its verified entries and partial downloads, as found. */
final class CacheListing {
  private final CacheLayout layout;
  private final EntryMetadata metadata;

  CacheListing(CacheLayout layout, EntryMetadata metadata) {
    this.layout = layout;
    this.metadata = metadata;
  }

  /** The verified entry, or with {@code partial} the partial download, of a digest. */
  Optional<CacheEntry> find(Digest digest, boolean partial) {
    Path file = partial ? layout.partPath(digest) : layout.entryPath(digest);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    return Optional.of(partial ? toPartial(digest, file) : toEntry(digest, file));
  }

  /**
   * Every verified entry and every partial download, by type then digest (a partial download after
   * a verified file of the same digest).
   */
  List<CacheEntry> list() {
    List<CacheEntry> result = new ArrayList<>();
    for (Path typeDir : typeDirs()) {
      String type = typeDir.getFileName().toString();
      try (Stream<Path> files = Files.list(typeDir)) {
        files.forEach(
            f -> {
              String name = f.getFileName().toString();
              if (!Files.isRegularFile(f)) {
                return;
              }
              Optional<Digest> verified = CacheLayout.digestOf(type, name, "");
              if (verified.isPresent()) {
                result.add(toEntry(verified.get(), f));
              } else {
                CacheLayout.digestOf(type, name, ".part")
                    .ifPresent(d -> result.add(toPartial(d, f)));
              }
            });
      } catch (NoSuchFileException e) {
        // removed meanwhile
      } catch (IOException e) {
        throw new UncheckedIOException("cannot list " + typeDir, e);
      }
    }
    result.sort(
        Comparator.comparing((CacheEntry e) -> e.digest().type())
            .thenComparing(e -> e.digest().hex())
            .thenComparing(CacheEntry::partial));
    return result;
  }

  /** The folders of the supported checksum types. */
  List<Path> typeDirs() {
    List<Path> result = new ArrayList<>();
    Path dir = layout.dir();
    if (!Files.isDirectory(dir)) {
      return result;
    }
    try (DirectoryStream<Path> types = Files.newDirectoryStream(dir, Files::isDirectory)) {
      for (Path typeDir : types) {
        if (Checksums.isSupported(typeDir.getFileName().toString())) {
          result.add(typeDir);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + dir, e);
    }
    return result;
  }

  private CacheEntry toEntry(Digest digest, Path file) {
    Optional<EntryInfo> info = metadata.readInfo(digest);
    Instant lastUsed =
        info.map(i -> i.lastUsed() != null ? i.lastUsed() : i.created()).orElse(null);
    return new CacheEntry(
        digest,
        file,
        sizeOf(file),
        info.map(EntryInfo::sources).orElse(List.of()),
        info.map(EntryInfo::created).orElse(null),
        lastUsed != null ? lastUsed : modified(file),
        false);
  }

  private CacheEntry toPartial(Digest digest, Path part) {
    URI source = metadata.readPartInfo(digest).map(PartInfo::source).orElse(null);
    return new CacheEntry(
        digest,
        part,
        sizeOf(part),
        source == null ? List.of() : List.of(source),
        null,
        modified(part),
        true);
  }

  /** The file's size, or -1 when it cannot be read. */
  static long sizeOf(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return -1;
    }
  }

  private static Instant modified(Path file) {
    try {
      return Files.getLastModifiedTime(file).toInstant();
    } catch (IOException e) {
      return null;
    }
  }

  /** Deletes a file; returns its size, or 0 when it was not there. */
  static long deleteCounting(Path file) throws IOException {
    try {
      long size = Files.size(file);
      Files.delete(file);
      return size;
    } catch (NoSuchFileException e) {
      return 0;
    }
  }
}
