package org.genvmimage.image;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import org.genvmimage.compress.Codec;
import org.genvmimage.compress.SparseDecompressor;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.step.Step;

/**
 * Decompresses a compressed base image (xz, gzip, bzip2, zstd, known by its first bytes) into a
 * file beside the output, streaming and sparse, so that the next steps read a plain disk image. The
 * cache keeps the compressed file, as it was verified.
 *
 * <p>Uses {@code fetched} and {@code temp}; produces {@code compression} and {@code unpacked} (the
 * decompressed image, deleted by cleanup). A plan sniffs a base image that is on disk and decodes
 * the start of its stream in memory, and goes by the file name of one still to be downloaded.
 */
final class DecompressStep implements Step<ImageBuild> {
  /** How much of a compressed base image a plan decodes, in memory. */
  private static final int HEAD_BYTES = 64 * 1024;

  private final BuildTools tools;

  DecompressStep(BuildTools tools) {
    this.tools = tools;
  }

  @Override
  public String name() {
    return "decompress";
  }

  @Override
  public void plan(ImageBuild build) {
    if (build.spec.blank()) {
      return; // a new blank disk has no base image
    }
    if (build.fetched != null) {
      Path source = build.fetched.file();
      build.compression = sniff(source);
      if (build.compression != null) {
        // the start of the stream, decoded in memory: a stream that is no stream fails here too
        try {
          SparseDecompressor.head(source, build.compression, HEAD_BYTES);
        } catch (SparseDecompressor.CorruptStreamException e) {
          throw corrupt(build, e);
        } catch (IOException e) {
          throw new GenVmException(
              ExitCode.TOOL_FAILED, source + ": cannot read: " + e.getMessage(), e);
        }
      }
    } else {
      build.compression = Codec.byName(fileName(build.spec.source()));
      build.plan.compressionByName = build.compression != null;
    }
    if (build.compression != null) {
      build.unpacked = unpackedPath(build.temp);
    }
  }

  @Override
  public void run(ImageBuild build) throws IOException {
    if (build.spec.blank()) {
      return;
    }
    Path source = build.fetched.file();
    build.compression = sniff(source);
    if (build.compression == null) {
      return;
    }
    String task = build.spec.key();
    String codec = build.compression.label();
    build.unpacked = Files.createFile(unpackedPath(build.temp));
    tools.console().info(task + ": decompressing (" + codec + ") " + source);
    try {
      long size =
          SparseDecompressor.decompress(
              source,
              build.compression,
              build.unpacked,
              (read, total) ->
                  tools
                      .console()
                      .progress(
                          task,
                          String.format(
                              Locale.ROOT,
                              "decompressing %3d%%",
                              total > 0 ? read * 100 / total : 0)));
      tools.console().debug(task + ": decompressed " + size + " bytes into " + build.unpacked);
    } catch (SparseDecompressor.CorruptStreamException e) {
      throw corrupt(build, e);
    } catch (InterruptedIOException e) {
      throw new GenVmException(ExitCode.INTERRUPTED, "interrupted", e);
    } finally {
      tools.console().done(task);
    }
    // the cache entry is not read again
    build.releaseSource();
  }

  private static GenVmException corrupt(ImageBuild build, IOException e) {
    URI url = build.spec.source();
    String from = "file".equalsIgnoreCase(url.getScheme()) ? "" : " (downloaded from " + url + ")";
    return new GenVmException(
        ExitCode.TOOL_FAILED,
        build.fetched.file()
            + from
            + ": not a usable compressed disk image: "
            + e.getMessage()
            + " (it matched its checksum: the published file itself is damaged or cut short)",
        e);
  }

  /** The decompressed image's file: the temporary file's name with a suffix of its own. */
  static Path unpackedPath(Path temp) {
    return temp.resolveSibling(temp.getFileName() + ".unpacked");
  }

  private static Codec sniff(Path file) {
    try {
      return Codec.sniff(file);
    } catch (IOException e) {
      throw new GenVmException(ExitCode.TOOL_FAILED, file + ": cannot read: " + e.getMessage(), e);
    }
  }

  private static String fileName(URI url) {
    String path = url.getPath();
    return path == null ? "" : path.substring(path.lastIndexOf('/') + 1);
  }

  @Override
  public void cleanup(ImageBuild build) {
    if (build.unpacked != null) {
      try {
        Files.deleteIfExists(build.unpacked);
      } catch (IOException e) {
        tools.console().warn("could not remove " + build.unpacked + ": " + e.getMessage());
      }
    }
  }
}
