package org.genvmimage.download;

import java.net.URI;

/**
 * What resuming a partial download needs: where it came from and how to tell it unchanged.
 *
 * @param validBytes while a download in parts runs, the length of the prefix that holds the file's
 *     bytes without gaps (what a run killed without clean-up may keep); -1 when the whole partial
 *     file holds them
 */
record PartInfo(URI source, String etag, String lastModified, long totalBytes, long validBytes) {
  PartInfo(URI source, String etag, String lastModified, long totalBytes) {
    this(source, etag, lastModified, totalBytes, -1);
  }

  /** This record with {@code validBytes} set. */
  PartInfo withValidBytes(long bytes) {
    return new PartInfo(source, etag, lastModified, totalBytes, bytes);
  }

  /** The If-Range value for a resume from {@code uri}, or {@code null} when there is none. */
  String ifRange(URI uri) {
    if (source == null || !source.equals(uri)) {
      return null;
    }
    if (etag != null && !etag.startsWith("W/")) {
      return etag; // weak validators are not allowed in If-Range
    }
    return lastModified;
  }
}
