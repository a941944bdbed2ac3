package org.genvmimage.download;

import java.nio.file.Path;

/**
 * A second file that a download is written to as it arrives, so that a caller who needs a copy of
 * the file anyway (a build that copies the download beside its output) does not read the cache
 * entry back. The copy is only {@link #complete()} when this run received every byte of the file
 * from the first, and the digest matched; otherwise (a cache hit, a resumed download, a restart
 * after bytes arrived, a file that does not start like a qcow2 v3 image) its content is undefined
 * and the caller makes the copy itself.
 */
public final class DownloadCopy {
  private final Path file;
  private volatile boolean complete;

  public DownloadCopy(Path file) {
    this.file = file;
  }

  public Path file() {
    return file;
  }

  /** Whether {@link #file()} holds exactly the verified file, forced to disk. */
  public boolean complete() {
    return complete;
  }

  void markComplete() {
    complete = true;
  }
}
