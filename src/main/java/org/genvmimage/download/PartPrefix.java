package org.genvmimage.download;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The gapless prefix of a partial file that a download in parts wrote, for a later resume. */
final class PartPrefix {
  private static final Logger log = LoggerFactory.getLogger(PartPrefix.class);

  private PartPrefix() {}

  /**
   * Cuts a partial file that a download in parts left without clean-up (killed) to the prefix its
   * record says holds the file's bytes without gaps, and clears that mark.
   */
  static void cutToValidPrefix(DownloadCache cache, Digest digest) throws IOException {
    Path part = cache.partPath(digest);
    Optional<PartInfo> recorded = cache.readPartInfo(digest);
    if (recorded.isEmpty() || recorded.get().validBytes() < 0 || !Files.exists(part)) {
      return;
    }
    long valid = recorded.get().validBytes();
    if (Files.size(part) > valid) {
      log.debug("{}: keeping the first {} bytes that a download in parts left", part, valid);
      setLength(part, valid);
    }
    cache.writePartInfo(digest, recorded.get().withValidBytes(-1));
  }

  /** Cuts (or extends) {@code file} to {@code length} bytes. */
  static void setLength(Path file, long length) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(length);
    }
  }
}
