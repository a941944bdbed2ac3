package org.genvmimage.download;

import java.net.URI;

/** What resuming a partial download needs: where it came from and how to tell it unchanged. */
record PartInfo(URI source, String etag, String lastModified, long totalBytes) {
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
