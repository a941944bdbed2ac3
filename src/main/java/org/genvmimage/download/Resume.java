package org.genvmimage.download;

import java.net.http.HttpHeaders;
import java.util.Map;

/**
 * Continuing a download after the bytes a sink already holds: the range request, and whether the
 * server's answer (206 or 416) really continues it.
 *
 * @param offset where the requested range starts in the file: the bytes held, plus where the sink
 *     starts (0 for a whole file: no range request unless {@code end} is given)
 * @param end the last byte wanted (inclusive), or -1 for the end of the file
 * @param knownTotal the full size recorded when the held bytes started, or -1
 */
record Resume(long offset, long end, long knownTotal) {

  /** A request for the rest of the file after {@code offset} bytes. */
  Resume(long offset, long knownTotal) {
    this(offset, -1, knownTotal);
  }

  /** Whether the request asks for a range (not the whole file). */
  boolean ranged() {
    return offset > 0 || end >= 0;
  }

  /** Adds {@code Range} and, when there is a validator, {@code If-Range}. */
  void addHeaders(Map<String, String> request, String validator) {
    if (ranged()) {
      request.put("Range", "bytes=" + offset + "-" + (end >= 0 ? String.valueOf(end) : ""));
      if (validator != null) {
        request.put("If-Range", validator);
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
        || (end >= 0 && range.end() != end)
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
        + "-"
        + (end >= 0 ? String.valueOf(end) : "")
        + ")";
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
