package org.genvmimage.compress;

import com.github.luben.zstd.ZstdInputStreamNoFinalizer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Locale;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;
import org.apache.commons.compress.compressors.xz.XZCompressorInputStream;

/**
 * The compression formats a base image may be published in, recognised by their first bytes (never
 * by the file name, which may lie). Each decoder reads concatenated streams (members, frames) as
 * one whole file, as the command-line tools do.
 */
public enum Codec {
  /** xz (LZMA2), as Fedora, Flatcar and FreeBSD publish raw and qcow2 images. */
  XZ("xz", new int[] {0xfd, '7', 'z', 'X', 'Z', 0x00}, ".xz"),
  /** gzip (RFC 1952). */
  GZIP("gzip", new int[] {0x1f, 0x8b, 0x08}, ".gz"),
  /** bzip2 ("BZh" and the block size digit). */
  BZIP2("bzip2", new int[] {'B', 'Z', 'h'}, ".bz2"),
  /** Zstandard (a zstd frame's magic number, little-endian). */
  ZSTD("zstd", new int[] {0x28, 0xb5, 0x2f, 0xfd}, ".zst");

  /** The most bytes {@link #sniff(byte[], int)} looks at. */
  public static final int MAGIC_BYTES = 6;

  private final String label;
  private final byte[] magic;
  private final String suffix;

  Codec(String label, int[] magic, String suffix) {
    this.label = label;
    this.magic = new byte[magic.length];
    for (int i = 0; i < magic.length; i++) {
      this.magic[i] = (byte) magic[i];
    }
    this.suffix = suffix;
  }

  /** The name users see: {@code xz}, {@code gzip}, {@code bzip2}, {@code zstd}. */
  public String label() {
    return label;
  }

  /** The codec whose magic bytes {@code head} starts with, or null. */
  public static Codec sniff(byte[] head, int length) {
    for (Codec codec : values()) {
      if (codec.matches(head, length)) {
        return codec;
      }
    }
    return null;
  }

  /** The codec of a file, from its first bytes; null for a file that is not compressed. */
  public static Codec sniff(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      byte[] head = in.readNBytes(MAGIC_BYTES);
      return sniff(head, head.length);
    }
  }

  /**
   * The codec a file name suggests ({@code .xz}, {@code .gz}, {@code .bz2}, {@code .zst}), for a
   * plan made before the file is there; the file's content decides when it is.
   */
  public static Codec byName(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    for (Codec codec : values()) {
      if (lower.endsWith(codec.suffix)) {
        return codec;
      }
    }
    return null;
  }

  private boolean matches(byte[] head, int length) {
    if (length < magic.length) {
      return false;
    }
    if (!Arrays.equals(head, 0, magic.length, magic, 0, magic.length)) {
      return false;
    }
    // bzip2's fourth byte is its block size, '1' to '9'
    return this != BZIP2 || (length > 3 && head[3] >= '1' && head[3] <= '9');
  }

  /** A stream of the decompressed bytes of {@code in}, every concatenated stream of it. */
  public InputStream open(InputStream in) throws IOException {
    return switch (this) {
      case XZ ->
          XZCompressorInputStream.builder()
              .setInputStream(in)
              .setDecompressConcatenated(true)
              .get();
      case GZIP ->
          GzipCompressorInputStream.builder()
              .setInputStream(in)
              .setDecompressConcatenated(true)
              .get();
      case BZIP2 -> new BZip2CompressorInputStream(in, true);
      case ZSTD -> new ZstdInputStreamNoFinalizer(in);
    };
  }
}
