package org.genvmimage.configure;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/** The lock beside an image that keeps two configure runs off it at the same time. */
final class ImageLock implements AutoCloseable {
  private final Path file;
  private final FileChannel channel;
  private final FileLock lock;

  private ImageLock(Path file, FileChannel channel, FileLock lock) {
    this.file = file;
    this.channel = channel;
    this.lock = lock;
  }

  /** {@code .IMAGE.configure.lock} beside the image. */
  static Path file(Path image) {
    return image.resolveSibling("." + image.getFileName() + ".configure.lock");
  }

  /**
   * Takes the image's lock until {@link #close}.
   *
   * @throws GenVmException INVALID_INPUT when another run holds it
   */
  static ImageLock take(Path image) throws IOException {
    Path file = file(image);
    FileChannel channel =
        FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    try {
      return new ImageLock(file, channel, tryLock(channel, image));
    } catch (RuntimeException e) {
      channel.close();
      throw e;
    }
  }

  /**
   * Checks, without creating anything, that no other run holds the image's lock.
   *
   * @throws GenVmException INVALID_INPUT when another run holds it
   */
  static void probe(Path image) throws IOException {
    Path file = file(image);
    if (!Files.isRegularFile(file)) {
      return;
    }
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      tryLock(channel, image).release();
    }
  }

  private static FileLock tryLock(FileChannel channel, Path image) throws IOException {
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT, image + ": another configure-vm-image is working on it");
    }
    return lock;
  }

  /** Removes the lock file and releases the lock; safe to call more than once. */
  @Override
  public void close() {
    try {
      if (lock.isValid()) {
        Files.deleteIfExists(file);
        lock.release();
      }
      channel.close();
    } catch (IOException ignored) {
      // the lock goes with the process anyway
    }
  }
}
