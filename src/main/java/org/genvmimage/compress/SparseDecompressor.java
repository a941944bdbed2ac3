package org.genvmimage.compress;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;

/**
 * Decompresses a file into another as one stream, without a copy in memory or on disk beyond a
 * buffer: blocks of zeros are not written but skipped (a hole in the file), so a raw disk image
 * takes no more room than its data, and the file gets its full length at the end.
 *
 * <p>An error of the codec (a corrupt or truncated stream) is a {@link CorruptStreamException}; any
 * other {@link IOException} comes from the file system. An interrupt ends the work with an {@link
 * InterruptedIOException}.
 */
public final class SparseDecompressor {
  /** The unit of hole punching: a file system block. */
  static final int BLOCK = 4096;

  private static final int BUFFER = 1 << 20;
  private static final byte[] ZEROS = new byte[BLOCK];

  /** How far the decompression has read its compressed input. */
  public interface Progress {
    void read(long compressedBytes, long compressedTotal);
  }

  /** The codec found the compressed stream unusable (corrupt, truncated, or not its format). */
  public static final class CorruptStreamException extends IOException {
    private static final long serialVersionUID = 1L;

    CorruptStreamException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  private SparseDecompressor() {}

  /**
   * Decompresses {@code source} into {@code target}, an existing file (its content is replaced),
   * and forces it to disk.
   *
   * @return the decompressed size in bytes
   */
  public static long decompress(Path source, Codec codec, Path target, Progress progress)
      throws IOException {
    try (FileChannel in = FileChannel.open(source, StandardOpenOption.READ);
        RandomAccessFile file = new RandomAccessFile(target.toFile(), "rw")) {
      file.setLength(0);
      FileChannel out = file.getChannel();
      long total = in.size();
      InputStream compressed = new BufferedInputStream(Channels.newInputStream(in), 1 << 16);
      byte[] buffer = new byte[BUFFER];
      long position = 0;
      try (InputStream plain = codecCall(codec, () -> codec.open(compressed))) {
        while (true) {
          if (Thread.currentThread().isInterrupted()) {
            throw new InterruptedIOException("interrupted");
          }
          int length = codecCall(codec, () -> plain.readNBytes(buffer, 0, BUFFER));
          if (length == 0) {
            break;
          }
          writeSparse(out, buffer, length, position);
          position += length;
          progress.read(in.position(), total);
        }
      }
      // a file that ends in a hole still has its whole length
      file.setLength(position);
      out.force(false);
      return position;
    } catch (ClosedByInterruptException e) {
      InterruptedIOException interrupted = new InterruptedIOException("interrupted");
      interrupted.initCause(e);
      throw interrupted;
    }
  }

  /**
   * The first {@code max} decompressed bytes of {@code source} (fewer when it is shorter), read
   * without writing anything: whether the stream starts as its codec expects.
   */
  public static byte[] head(Path source, Codec codec, int max) throws IOException {
    try (InputStream compressed =
            new BufferedInputStream(java.nio.file.Files.newInputStream(source), 1 << 16);
        InputStream plain = codecCall(codec, () -> codec.open(compressed))) {
      return codecCall(codec, () -> plain.readNBytes(max));
    }
  }

  /** Writes the blocks of {@code buffer} that hold anything but zeros, at their offsets. */
  static void writeSparse(FileChannel out, byte[] buffer, int length, long position)
      throws IOException {
    int runStart = -1;
    for (int offset = 0; offset < length; offset += BLOCK) {
      int end = Math.min(length, offset + BLOCK);
      boolean zero = Arrays.mismatch(buffer, offset, end, ZEROS, 0, end - offset) < 0;
      if (!zero && runStart < 0) {
        runStart = offset;
      } else if (zero && runStart >= 0) {
        writeFully(out, buffer, runStart, offset - runStart, position + runStart);
        runStart = -1;
      }
    }
    if (runStart >= 0) {
      writeFully(out, buffer, runStart, length - runStart, position + runStart);
    }
  }

  private static void writeFully(FileChannel out, byte[] buffer, int from, int length, long at)
      throws IOException {
    ByteBuffer bytes = ByteBuffer.wrap(buffer, from, length);
    while (bytes.hasRemaining()) {
      at += out.write(bytes, at);
    }
  }

  private interface CodecCall<T> {
    T call() throws IOException;
  }

  /**
   * Runs a call on the decompressing stream: its errors, a decoder's runtime exception included,
   * are the codec's (reading the compressed file itself seldom fails once it is open), except an
   * interrupt.
   */
  private static <T> T codecCall(Codec codec, CodecCall<T> call) throws IOException {
    try {
      return call.call();
    } catch (InterruptedIOException | ClosedByInterruptException e) {
      throw e;
    } catch (LinkageError e) {
      // zstd-jni unpacks its native library into java.io.tmpdir: a noexec folder refuses it
      throw new IOException(
          codec.label()
              + ": cannot load the decoder's native library ("
              + e.getMessage()
              + "); the temporary folder (java.io.tmpdir) must allow running files from it",
          e);
    } catch (IOException | RuntimeException e) {
      String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
      if (e instanceof java.io.EOFException) {
        reason = "unexpected end of the stream (truncated?)" + detail(e);
      }
      throw new CorruptStreamException(codec.label() + ": " + reason, e);
    }
  }

  private static String detail(Exception e) {
    return e.getMessage() == null || e.getMessage().isBlank() ? "" : ": " + e.getMessage();
  }
}
