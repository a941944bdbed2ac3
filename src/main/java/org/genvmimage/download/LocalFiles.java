package org.genvmimage.download;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/** {@code file:} sources: hashed in place and used as they are, never copied into the cache. */
final class LocalFiles {
  private static final long PROGRESS_NANOS = 200_000_000L;

  private LocalFiles() {}

  static boolean isFile(URI uri) {
    return "file".equalsIgnoreCase(uri.getScheme());
  }

  static Path path(URI uri) {
    try {
      return Path.of(uri);
    } catch (IllegalArgumentException | FileSystemNotFoundException e) {
      throw new GenVmException(ExitCode.INVALID_INPUT, uri + ": not a local file URL", e);
    }
  }

  /**
   * Hashes the file and checks its digest.
   *
   * @throws GenVmException DOWNLOAD_FAILED when it cannot be read, CHECKSUM_MISMATCH when it
   *     differs, INTERRUPTED when the thread was interrupted
   */
  static FetchResult verify(
      URI source, Digest expected, DownloadListener listener, int bufferSize) {
    FetchResult read = hash(source, expected.type(), listener, bufferSize);
    if (!read.digest().equals(expected)) {
      throw mismatch(read.file().toString(), expected, read.digest().hex());
    }
    return read;
  }

  /**
   * Hashes the file with {@code type}: the result holds the digest it has.
   *
   * @throws GenVmException DOWNLOAD_FAILED when it cannot be read, INTERRUPTED when the thread was
   *     interrupted
   */
  static FetchResult hash(URI source, String type, DownloadListener listener, int bufferSize) {
    Path path = path(source);
    if (!Files.isRegularFile(path)) {
      throw new GenVmException(ExitCode.DOWNLOAD_FAILED, path + ": no such file");
    }
    String actual;
    long done = 0;
    try (FileChannel channel = FileChannel.open(path, StandardOpenOption.READ)) {
      long size = channel.size();
      listener.started(source, size, 0);
      Hasher hasher = Checksums.newHasher(type);
      ByteBuffer buffer = ByteBuffer.allocate(bufferSize);
      long lastReport = System.nanoTime();
      while (channel.read(buffer) >= 0) {
        buffer.flip();
        done += buffer.remaining();
        hasher.update(buffer);
        buffer.clear();
        if (Thread.interrupted()) {
          throw HttpFailures.interrupted();
        }
        long now = System.nanoTime();
        if (now - lastReport > PROGRESS_NANOS) {
          lastReport = now;
          listener.progress(done, size);
        }
      }
      listener.progress(done, size);
      actual = hasher.hexDigest();
    } catch (ClosedByInterruptException e) {
      throw HttpFailures.interrupted();
    } catch (IOException e) {
      throw new GenVmException(ExitCode.DOWNLOAD_FAILED, path + ": " + e.getMessage(), e);
    }
    listener.finished(source, done);
    return new FetchResult(path, new Digest(type, actual), false, 0, source);
  }

  /** CHECKSUM_MISMATCH for {@code what}. */
  static GenVmException mismatch(String what, Digest expected, String actual) {
    return new GenVmException(
        ExitCode.CHECKSUM_MISMATCH,
        what
            + ": checksum mismatch: expected "
            + expected.type()
            + " "
            + expected.hex()
            + ", got "
            + actual);
  }
}
