package org.genvmimage.download;

import java.net.URI;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/**
 * A range request for a part of a file (a {@link Sink} whose {@link Sink#firstByte()} is after 0,
 * or that ends before the file does) was answered with the whole file: the server ignores ranges,
 * or the file changed since the validator sent in {@code If-Range} was taken. Whoever split the
 * file into parts falls back to one connection.
 */
final class RangeIgnored extends GenVmException {
  private static final long serialVersionUID = 1L;

  RangeIgnored(URI uri, int status) {
    super(
        ExitCode.DOWNLOAD_FAILED,
        uri + ": HTTP " + status + " to a range request: the server sent the whole file");
  }
}
