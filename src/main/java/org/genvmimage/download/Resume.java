package org.genvmimage.download;

import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;

/**
 * Continuing a download after the bytes a sink already holds: the range request, and whether the
 * server's answer (206 or 416) really continues it.
 *
 * @param offset the bytes held, where the requested range starts (0: no range request)
 * @param knownTotal the full size recorded when the held bytes started, or -1
 */
record Resume(long offset, long knownTotal) {

  /** Adds {@code Range} and, when there is a validator, {@code If-Range}. */
  void addHeaders(HttpRequest.Builder request, String validator) {
    if (offset > 0) {
      request.header("Range", "bytes=" + offset + "-");
      if (validator != null) {
        request.header("If-Range", validator);
      }
    }
  }

  /**
   * The range a 206 response sends, or null when it does not continue at {@code offset} or
   * announces another total size than the held bytes started with.
   */
  ContentRange continuation(HttpHeaders headers) {
    ContentRange range = ContentRange.parse(headers.firstValue("Content-Range").orElse(null));
    if (range == null
        || range.start() != offset
        || (knownTotal >= 0 && range.total() >= 0 && range.total() != knownTotal)) {
      return null;
    }
    return range;
  }

  /** Why a 206 response that is no {@link #continuation} cannot be used. */
  String unexpected(HttpHeaders headers) {
    return "unexpected partial response ("
        + headers.firstValue("Content-Range").orElse("no Content-Range")
        + " for bytes "
        + offset
        + "-)";
  }

  /** Whether a 416 response says that the held bytes are already the whole file. */
  boolean alreadyComplete(HttpHeaders headers) {
    ContentRange range = ContentRange.parse(headers.firstValue("Content-Range").orElse(null));
    return offset > 0 && range != null && range.total() == offset;
  }

  /** Why a 416 response that is not {@link #alreadyComplete} means starting again. */
  String refused() {
    return "the server refused to resume at byte " + offset + " (HTTP 416)";
  }
}
