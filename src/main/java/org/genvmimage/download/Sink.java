package org.genvmimage.download;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;

/**
 * Where a transfer puts the body. Only the thread that runs the transfer calls it, except {@link
 * #size()}, which any thread may read.
 */
interface Sink {
  /** Bytes held: where a resumed request starts (after {@link #firstByte()}). */
  long size();

  /**
   * Where in the file the sink's first byte is: 0 for a whole file, the start of a part for a sink
   * that holds one range of it. A sink that starts after 0 is only ever sent a range (206); a
   * server that answers with the whole file fails the attempt ({@link RangeIgnored}).
   */
  default long firstByte() {
    return 0;
  }

  /** The last byte of the file the sink wants (inclusive), or -1 for the end of the file. */
  default long lastByte() {
    return -1;
  }

  /** Whether held bytes may be kept and continued with a range request. */
  boolean resumable();

  /** The If-Range validator for resuming from {@code uri}, or {@code null}. */
  String ifRange(URI uri);

  /** The full size recorded when the held bytes started, or -1. */
  long knownTotal();

  /** Drops everything held; the next bytes start from zero and come with {@code info}. */
  void restart(PartInfo info) throws IOException;

  /** Takes (hashes and stores) the buffer's remaining bytes. */
  void accept(ByteBuffer buffer) throws IOException;

  /** Writes out anything buffered. */
  void flush() throws IOException;
}
