package org.genvmimage.manifest;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.LongConsumer;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/**
 * The SHA-256 of a whole file, read once from start to end (holes of a sparse file read as the
 * zeros they stand for, as {@code sha256sum} reads them). Interruptible: an interrupt ends it with
 * {@link ExitCode#INTERRUPTED}.
 */
public final class FileHash {
  private static final int BUFFER = 1 << 20;

  private FileHash() {}

  /**
   * The file's SHA-256 in lower-case hex.
   *
   * @param progress receives the bytes read so far, about every 64 MiB and at the end; may be null
   */
  public static String sha256(Path file, LongConsumer progress) throws IOException {
    MessageDigest digest;
    try {
      digest = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
    byte[] array = new byte[BUFFER];
    ByteBuffer buffer = ByteBuffer.wrap(array);
    long read = 0;
    long reported = 0;
    try (FileChannel in = FileChannel.open(file, StandardOpenOption.READ)) {
      int n;
      while ((n = in.read(buffer.clear())) >= 0) {
        digest.update(array, 0, n);
        read += n;
        if (progress != null && read - reported >= 64L * BUFFER) {
          reported = read;
          progress.accept(read);
        }
        if (Thread.currentThread().isInterrupted()) {
          throw new GenVmException(ExitCode.INTERRUPTED, "interrupted");
        }
      }
    } catch (ClosedByInterruptException | InterruptedIOException e) {
      throw new GenVmException(ExitCode.INTERRUPTED, "interrupted", e);
    }
    if (progress != null) {
      progress.accept(read);
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
