package org.genvmimage.download;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;

/**
 * Where a transfer puts the body. Only the thread that runs the transfer calls it, except {@link
 * #size()}, which any thread may read.
 */
interface Sink {
  /** Bytes held: where a resumed request starts. */
  long size();

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
