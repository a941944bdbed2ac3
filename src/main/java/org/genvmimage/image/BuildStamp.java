package org.genvmimage.image;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;
import org.genvmimage.architecture.CreateOptions;
import org.genvmimage.architecture.ImageSpec;
import org.genvmimage.core.FileSync;
import org.genvmimage.core.Folders;

/**
 * What an image was built from, kept beside it as {@code .<image file>.gen-vm-image.json}, so that
 * a re-run can tell an up-to-date image (same source checksum, size, output format, subformat and
 * compression) from any other file. The image may be configured afterwards: the stamp describes its
 * origin, not its bytes. A stamp written before formats were recorded has none, and is read as
 * qcow2; one written before subformats and compression were recorded is read as the format's
 * default subformat, uncompressed; one without create options ({@code extra_kwargs}, {@link
 * CreateOptions#describe}) records null.
 *
 * @param subformat the output's subformat (null for a format that has none)
 * @param compression the compression of a qcow2 output's clusters, or null for none
 * @param createOptions a blank disk's create options, described, or null
 */
public record BuildStamp(
    String source,
    String checksumType,
    String checksumHex,
    long sizeBytes,
    String builtAt,
    String format,
    String subformat,
    String compression,
    String createOptions) {

  public BuildStamp {
    if (format == null) {
      format = "qcow2";
    }
    if (subformat == null) {
      subformat = ImageSpec.defaultSubformat(format);
    }
  }

  /** A stamp of an output in the default subformat of {@code format}, uncompressed. */
  public BuildStamp(
      String source,
      String checksumType,
      String checksumHex,
      long sizeBytes,
      String builtAt,
      String format) {
    this(source, checksumType, checksumHex, sizeBytes, builtAt, format, null, null, null);
  }

  /** A stamp without create options. */
  public BuildStamp(
      String source,
      String checksumType,
      String checksumHex,
      long sizeBytes,
      String builtAt,
      String format,
      String subformat,
      String compression) {
    this(
        source,
        checksumType,
        checksumHex,
        sizeBytes,
        builtAt,
        format,
        subformat,
        compression,
        null);
  }

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** What a blank disk is stamped with in place of a source and its checksum. */
  static final String BLANK = "blank";

  /**
   * The stamp of the image {@code build} makes: its first source and checksum, its size and format,
   * or {@value #BLANK}, its size, format and create options for a blank disk.
   */
  static BuildStamp of(ImageBuild build, String builtAt) {
    long size = build.spec.size().bytes();
    ImageSpec spec = build.spec;
    String source = spec.blank() ? BLANK : spec.source().toString();
    String type = spec.blank() ? BLANK : build.checksum.type();
    String hex = spec.blank() ? BLANK : build.checksum.hex();
    return new BuildStamp(
        source,
        type,
        hex,
        size,
        builtAt,
        spec.outputFormat(),
        spec.subformat(),
        spec.compression(),
        spec.blank() && spec.create() != null ? spec.create().describe() : null);
  }

  /** The stamp file of an image. */
  public static Path pathFor(Path image) {
    return image.resolveSibling("." + image.getFileName() + ".gen-vm-image.json");
  }

  /** The stamp of an image, if it has a readable one. */
  public static Optional<BuildStamp> read(Path image) {
    Path file = pathFor(image);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return Optional.of(JSON.readValue(file.toFile(), BuildStamp.class));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /**
   * Same origin: checksum (type and value), size, format, subformat, compression and create
   * options.
   */
  public boolean sameOrigin(BuildStamp other) {
    return checksumType.equalsIgnoreCase(other.checksumType)
        && checksumHex.equalsIgnoreCase(other.checksumHex)
        && sizeBytes == other.sizeBytes
        && format.equals(other.format)
        && Objects.equals(subformat, other.subformat)
        && Objects.equals(compression, other.compression)
        && Objects.equals(createOptions, other.createOptions);
  }

  /** Writes the stamp beside the image, atomically. */
  public void write(Path image) throws IOException {
    Path file = pathFor(image);
    Path temp = Files.createTempFile(Folders.of(file), file.getFileName().toString(), ".tmp");
    try {
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
      JSON.writeValue(temp.toFile(), this);
      FileSync.force(temp);
      FileSync.moveAtomically(temp, file);
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  /** Removes an image's stamp, if any. */
  public static void delete(Path image) throws IOException {
    Files.deleteIfExists(pathFor(image));
  }
}
