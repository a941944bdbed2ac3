package org.genvmimage.download;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The digests last read from sums files, kept in the cache's {@code sums/} folder so that a build
 * can go on when a sums file cannot be read.
 */
final class SumsRecords {
  /**
   * The digest a sums file listed for a file name the last time it was read.
   *
   * @param verifiedBy the fingerprint of the key whose signature of the sums file verified then, or
   *     null when none was checked
   */
  record SumsRecord(Digest digest, Instant resolved, String verifiedBy) {}

  private final CacheLayout layout;

  SumsRecords(CacheLayout layout) {
    this.layout = layout;
  }

  Optional<SumsRecord> lastResolved(String type, URI sumsFile, String fileName) {
    return CacheJson.read(layout.sumsPath(type, sumsFile, fileName))
        .filter(
            n ->
                type.equals(n.path("type").asText())
                    && sumsFile.toString().equals(n.path("sumsFile").asText())
                    && fileName.equals(n.path("name").asText()))
        .flatMap(
            n ->
                CacheLayout.digestOf(type, n.path("hex").asText(), "")
                    .map(
                        d ->
                            new SumsRecord(
                                d,
                                CacheJson.instantOrNull(n.path("resolved").asText()),
                                n.path("verifiedBy").isTextual()
                                    ? n.path("verifiedBy").asText()
                                    : null)));
  }

  void recordResolved(Digest digest, URI sumsFile, String fileName, String verifiedBy) {
    ObjectNode n = CacheJson.object();
    n.put("type", digest.type());
    n.put("sumsFile", sumsFile.toString());
    n.put("name", fileName);
    n.put("hex", digest.hex());
    n.put("resolved", Instant.now().toString());
    n.put("verifiedBy", verifiedBy);
    CacheJson.writeQuietly(layout.sumsPath(digest.type(), sumsFile, fileName), n);
  }

  /**
   * Deletes every remembered digest.
   *
   * @return the bytes freed
   */
  long clear() throws IOException {
    Path sums = layout.sumsDir();
    if (!Files.isDirectory(sums)) {
      return 0;
    }
    long freed = 0;
    try (Stream<Path> files = Files.list(sums)) {
      for (Path f : files.toList()) {
        if (Files.isRegularFile(f)) {
          freed += CacheListing.deleteCounting(f);
        }
      }
    }
    return freed;
  }
}
