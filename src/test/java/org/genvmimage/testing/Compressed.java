package org.genvmimage.testing;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;
import org.genvmimage.compress.Codec;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/** Compresses test data with each codec's own encoder (never by hand). */
public final class Compressed {
  private Compressed() {}

  /** {@code data} compressed as one stream of {@code codec}. */
  public static byte[] compress(byte[] data, Codec codec) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (OutputStream out = encoder(bytes, codec)) {
      out.write(data);
    }
    return bytes.toByteArray();
  }

  /** A file's content compressed into a new file. */
  public static Path compress(Path file, Codec codec, Path target) throws IOException {
    Files.write(target, compress(Files.readAllBytes(file), codec));
    return target;
  }

  private static OutputStream encoder(OutputStream out, Codec codec) throws IOException {
    return switch (codec) {
      case XZ -> new XZOutputStream(out, new LZMA2Options(1));
      case GZIP -> new GzipCompressorOutputStream(out);
      case BZIP2 -> new BZip2CompressorOutputStream(out, 1);
      // with the content checksum, as the zstd command writes it by default
      case ZSTD -> new ZstdOutputStream(out, 3).setChecksum(true);
    };
  }
}
