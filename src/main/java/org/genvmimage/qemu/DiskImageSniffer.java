package org.genvmimage.qemu;

import static java.nio.charset.StandardCharsets.US_ASCII;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/**
 * Rejects downloads that are not usable base images. {@code qemu-img info} calls anything it does
 * not recognise "raw", so for raw images the first bytes are looked at: archives and compressed
 * files, and HTML or other text (an error page), are refused; any other raw data, a blank
 * zero-filled disk included, is accepted. Encrypted images and images that refer to other files
 * (backing file, external data file) are refused too: a base image must be self-contained.
 */
public final class DiskImageSniffer {
  /** How much of a raw file is looked at. */
  static final int SAMPLE_BYTES = 4096;

  private record Magic(String name, int offset, byte[] bytes) {
    boolean matches(byte[] sample, int length) {
      return length >= offset + bytes.length
          && Arrays.equals(sample, offset, offset + bytes.length, bytes, 0, bytes.length);
    }
  }

  private static final List<Magic> ARCHIVES =
      Stream.concat(
              Stream.of(
                  magic("a gzip", 0, 0x1f, 0x8b),
                  magic("an xz", 0, 0xfd, '7', 'z', 'X', 'Z', 0x00),
                  magic("a zstd", 0, 0x28, 0xb5, 0x2f, 0xfd),
                  magic("a zip", 0, 'P', 'K', 0x03, 0x04),
                  magic("a zip", 0, 'P', 'K', 0x05, 0x06),
                  magic("a 7z", 0, '7', 'z', 0xbc, 0xaf, 0x27, 0x1c),
                  magic("a tar", 257, 'u', 's', 't', 'a', 'r')),
              IntStream.rangeClosed('1', '9')
                  .mapToObj(level -> magic("a bzip2", 0, 'B', 'Z', 'h', level)))
          .toList();

  private DiskImageSniffer() {}

  /**
   * Throws TOOL_FAILED with a message saying what {@code file} is instead, unless it looks like a
   * self-contained disk image.
   *
   * @param info what {@code qemu-img info} said about the file
   */
  public static void requireDiskImage(Path file, ImageInfo info) {
    requireDiskImage(file, file.toString(), info);
  }

  /**
   * As {@link #requireDiskImage(Path, ImageInfo)}, naming the file {@code name} in messages (a
   * decompressed image is named after the file it came from).
   */
  public static void requireDiskImage(Path file, String name, ImageInfo info) {
    if (info.encrypted()) {
      throw fail(name, "is encrypted; a base image must be readable without a key");
    }
    if (info.backingFile() != null) {
      throw fail(
          name,
          "has a backing file ("
              + info.backingFile()
              + "); a downloaded base image must be self-contained");
    }
    if (!info.externalFiles().isEmpty()) {
      throw fail(
          name,
          "keeps its data in other files ("
              + String.join(", ", info.externalFiles())
              + "); a downloaded base image must be self-contained");
    }
    if ("raw".equals(info.format())) {
      sniffRaw(file, name);
    }
  }

  private static void sniffRaw(Path file, String name) {
    byte[] sample;
    try (InputStream in = Files.newInputStream(file)) {
      sample = in.readNBytes(SAMPLE_BYTES);
    } catch (IOException e) {
      throw new GenVmException(ExitCode.TOOL_FAILED, name + ": cannot read: " + e.getMessage(), e);
    }
    int length = sample.length;
    if (length == 0) {
      throw fail(name, "is empty, not a disk image");
    }
    for (Magic magic : ARCHIVES) {
      if (magic.matches(sample, length)) {
        throw fail(
            name,
            "is "
                + magic.name()
                + " archive, not a disk image; point get_url at the uncompressed image (or"
                + " unpack it first)");
      }
    }
    if (isText(sample, length)) {
      String start = new String(sample, 0, Math.min(length, 40), US_ASCII).strip();
      throw fail(
          name,
          "looks like HTML/text, not a disk image (it starts with \""
              + start.replaceAll("[^\\x20-\\x7e]+", " ")
              + "\"); check that get_url points at the image itself");
    }
  }

  /** No NUL and no control characters but tab, newline, form feed, carriage return and escape. */
  private static boolean isText(byte[] sample, int length) {
    for (int i = 0; i < length; i++) {
      int b = sample[i] & 0xff;
      boolean control = b < 0x20 && b != '\t' && b != '\n' && b != '\f' && b != '\r' && b != 0x1b;
      if (control || b == 0x7f) {
        return false;
      }
    }
    return true;
  }

  private static Magic magic(String name, int offset, int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return new Magic(name, offset, bytes);
  }

  private static GenVmException fail(String name, String what) {
    return new GenVmException(ExitCode.TOOL_FAILED, name + ": " + what);
  }
}
