package org.genvmimage.download;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The metadata sidecars of cache entries: {@code <hex>.json} ({@link EntryInfo}) and {@code
 * <hex>.part.json} ({@link PartInfo}).
 */
final class EntryMetadata {
  private final CacheLayout layout;

  EntryMetadata(CacheLayout layout) {
    this.layout = layout;
  }

  Optional<EntryInfo> readInfo(Digest digest) {
    return CacheJson.read(layout.infoPath(digest))
        .map(
            n -> {
              List<URI> sources = new ArrayList<>();
              n.path("sources").forEach(u -> sources.add(CacheJson.uriOrNull(u.asText(null))));
              return new EntryInfo(
                  CacheJson.uriOrNull(n.path("source").asText(null)),
                  n.path("size").asLong(-1),
                  CacheJson.instantOrNull(n.path("created").asText(null)),
                  CacheJson.instantOrNull(n.path("lastUsed").asText(null)),
                  sources);
            });
  }

  void writeInfo(Digest digest, EntryInfo info) {
    ObjectNode n = CacheJson.object();
    n.put("source", info.source() == null ? null : info.source().toString());
    n.put("size", info.size());
    n.put("created", info.created() == null ? null : info.created().toString());
    n.put("lastUsed", info.lastUsed() == null ? null : info.lastUsed().toString());
    info.sources().forEach(u -> n.withArray("sources").add(u.toString()));
    CacheJson.writeQuietly(layout.infoPath(digest), n);
  }

  /**
   * Records a use: the entry's last-used time becomes now, and {@code source} joins its sources.
   * Best effort; one small file written beside the entry and renamed over its metadata.
   */
  void touch(Digest digest, Optional<EntryInfo> info, long size, URI source) {
    Instant now = Instant.now();
    EntryInfo updated =
        info.map(
                i -> {
                  List<URI> sources = new ArrayList<>(i.sources());
                  sources.add(source);
                  URI first = i.source() != null ? i.source() : source;
                  return new EntryInfo(first, i.size(), i.created(), now, sources);
                })
            .orElse(new EntryInfo(source, size, null, now));
    writeInfo(digest, updated);
  }

  Optional<PartInfo> readPartInfo(Digest digest) {
    return CacheJson.read(layout.partInfoPath(digest))
        .map(
            n ->
                new PartInfo(
                    CacheJson.uriOrNull(n.path("source").asText(null)),
                    n.path("etag").asText(null),
                    n.path("lastModified").asText(null),
                    n.path("totalBytes").asLong(-1),
                    n.path("validBytes").asLong(-1)));
  }

  void writePartInfo(Digest digest, PartInfo info) throws IOException {
    ObjectNode n = CacheJson.object();
    n.put("source", info.source() == null ? null : info.source().toString());
    n.put("etag", info.etag());
    n.put("lastModified", info.lastModified());
    n.put("totalBytes", info.totalBytes());
    if (info.validBytes() >= 0) {
      n.put("validBytes", info.validBytes());
    }
    CacheJson.write(layout.partInfoPath(digest), n);
  }
}
