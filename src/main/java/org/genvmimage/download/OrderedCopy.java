package org.genvmimage.download;

import java.io.IOException;
import java.nio.ByteBuffer;
import org.genvmimage.core.DirectWriter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The build's copy of a download in parts, written in order as the bytes are hashed: only for a
 * file that starts like qcow2 v3 (anything else is converted anyway, so writing it twice gains
 * nothing). The copy is an optimisation: when it cannot be written, the caller makes it from the
 * cache entry after the download.
 */
final class OrderedCopy {
  private static final Logger log = LoggerFactory.getLogger(OrderedCopy.class);

  private final DownloadCopy copy;
  private DirectWriter writer;

  OrderedCopy(DownloadCopy copy) {
    this.copy = copy;
  }

  /**
   * Writes the bytes that start at {@code at} (the buffer's position is kept), opening the copy at
   * the first byte; false when there is no copy to write from now on.
   */
  boolean write(ByteBuffer bytes, long at) {
    try {
      if (at == 0 && writer == null) {
        byte[] head = new byte[Math.min(8, bytes.remaining())];
        bytes.duplicate().get(head);
        if (!FileSink.startsLikeQcow2v3(head, head.length)) {
          return false;
        }
        writer = DirectWriter.create(copy.file());
      }
      if (writer != null) {
        writer.write(bytes.duplicate());
      }
      return true;
    } catch (IOException e) {
      log.debug("{}: {}; the copy is made after the download instead", copy.file(), e.toString());
      drop();
      return false;
    }
  }

  /** Forces the copy to disk; whether it holds the whole file of {@code total} bytes. */
  boolean finish(long total) {
    if (writer == null) {
      return false;
    }
    try {
      writer.finish();
      return writer.size() == total;
    } catch (IOException e) {
      log.debug("{}: {}; the copy is made after the download instead", copy.file(), e.toString());
      return false;
    }
  }

  /** Closes the copy's writer, if open. */
  void drop() {
    if (writer != null) {
      try {
        writer.close();
      } catch (IOException e) {
        log.debug("closing {}: {}", writer.file(), e.toString());
      }
      writer = null;
    }
  }
}
