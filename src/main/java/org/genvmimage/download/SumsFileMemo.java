package org.genvmimage.download;

import java.net.URI;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Function;
import org.genvmimage.core.GenVmException;

/**
 * The sums files a dry run has read, into memory only: each URL is read once (its failure too), and
 * nothing is recorded in the cache. Not thread-safe.
 */
public final class SumsFileMemo {
  private final Map<URI, Object> read = new HashMap<>();

  byte[] read(URI uri, Function<URI, byte[]> reader) {
    Object known = read.get(uri);
    if (known == null) {
      try {
        known = reader.apply(uri);
      } catch (GenVmException e) {
        known = e;
      }
      read.put(uri, known);
    }
    if (known instanceof GenVmException e) {
      throw e;
    }
    return (byte[]) known;
  }
}
