package org.genvmimage.download;

import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * The metadata sidecar of an entry.
 *
 * @param source the URL that stored it
 * @param sources every URL it was fetched from, {@code source} first
 */
record EntryInfo(URI source, long size, Instant created, Instant lastUsed, List<URI> sources) {
  EntryInfo {
    List<URI> all = new ArrayList<>();
    if (source != null) {
      all.add(source);
    }
    for (URI uri : sources) {
      if (uri != null && !all.contains(uri)) {
        all.add(uri);
      }
    }
    sources = List.copyOf(all);
  }

  EntryInfo(URI source, long size, Instant created, Instant lastUsed) {
    this(source, size, created, lastUsed, List.of());
  }
}
