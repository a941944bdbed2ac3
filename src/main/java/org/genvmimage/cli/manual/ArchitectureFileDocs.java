package org.genvmimage.cli.manual;

import java.util.List;
import org.genvmimage.cli.manual.ManSections.Entry;
import org.genvmimage.cli.manual.ManSections.Literal;
import org.genvmimage.cli.manual.ManSections.Section;
import org.genvmimage.cli.manual.ManSections.Terms;
import org.genvmimage.cli.manual.ManSections.Text;
import org.genvmimage.download.Checksums;

/**
 * The ARCHITECTURE FILE section of gen-vm-image(1): the file's structure, an example and each
 * field. The README shows the same structure ({@link #STRUCTURE}) and the same checksum types (a
 * test compares them).
 */
public final class ArchitectureFileDocs {
  private ArchitectureFileDocs() {}

  /** The structure of an architecture file, one line per key, with what each holds. */
  public static final String STRUCTURE =
      """
      owner: <string> # Who maintains the images (not a user account)
      images: <key-value pair> # The images to be generated
          <image-key>:
              name: <string> # The name of the image
              version: <string> # The version of the image (a number such as 9.3 works too)
              get_url: <string> # Where to download the base image: https://, http://, file:// or a local path
              checksum:
                  type: <string> # The checksum type, a Python hashlib name (see below)
                  value: <string> # The checksum in hex, or file:<URL> of a published sums file
              size: <string> # The size of the generated image disk: bytes, or a number with K, M, G or T\
      """;

  /**
   * The example of the man page: both forms of checksum, lines short enough for an 80-column
   * terminal (examples/architecture.yml holds one with real URLs).
   */
  static final String EXAMPLE =
      """
      owner: ucphhpc
      images:
        debian-12:
          name: debian
          version: 12
          get_url: https://example.org/images/debian-12.qcow2
          checksum:
            type: sha512
            value: file:https://example.org/images/SHA512SUMS
          size: 10G
        local:
          name: local
          version: 1.0
          get_url: base/local.qcow2
          checksum:
            type: md5
            value: 0123456789abcdef0123456789abcdef
          size: 20G\
      """;

  /** {@link #STRUCTURE} without its comments, which the field list of the man page explains. */
  static String structureWithoutComments() {
    return String.join("\n", STRUCTURE.lines().map(l -> l.replaceAll("\\s*#.*$", "")).toList());
  }

  /** The section. */
  public static Section section() {
    return new Section(
        "ARCHITECTURE FILE",
        List.of(
            new Text(
                "The architecture file (architecture.yml in the current folder unless"
                    + " --architecture-path names another) is YAML that defines which images are"
                    + " built:"),
            new Literal(structureWithoutComments()),
            new Text(
                "For example (with one image downloaded and checked against the sums file"
                    + " published beside it, one read from a local file and checked against its"
                    + " MD5 digest; examples/architecture.yml is a real one):"),
            new Literal(EXAMPLE),
            new Terms(
                List.of(
                    new Entry(
                        "owner",
                        "Who maintains the images: a person, team or organisation. It is reported"
                            + " as architecture_owner in --output json. It is not a user account"
                            + " and changes no file's owner: the generated images are given to"
                            + " --generated-image-owner."),
                    new Entry(
                        "images",
                        "Each key is one image. Keys become file names, so they must start with"
                            + " a letter or digit and hold only letters, digits, '.', '_' and '-'"
                            + " (at most 64). With one image the output is --image-output-path;"
                            + " with several, each is written beside it as <image-key>.qcow2."),
                    new Entry("<image-key>.name", "The name of the image."),
                    new Entry(
                        "<image-key>.version",
                        "The version of the image, kept as written (a number such as 9.3 works"
                            + " too)."),
                    new Entry(
                        "get_url",
                        "https:// and http:// URLs are downloaded into the cache. A file:// URL or"
                            + " a local path (relative paths are relative to the architecture"
                            + " file's folder) is read in place. The base image may be compressed"
                            + " with xz, gzip, bzip2 or zstd (Fedora's .raw.xz, FreeBSD's"
                            + " .qcow2.xz, Flatcar's .img.bz2): it is recognised by its content,"
                            + " its checksum is the compressed file's (as published), and it is"
                            + " decompressed into the build."),
                    new Entry(
                        "checksum.type",
                        "One of "
                            + String.join(", ", Checksums.supportedNames())
                            + " (the names of Python's hashlib; upper case works too)."),
                    new Entry(
                        "checksum.value",
                        "The hex digest (upper or lower case), or file:<URL> naming the sums file"
                            + " that the distribution publishes next to its images (Debian"
                            + " SHA512SUMS, Ubuntu SHA256SUMS, Rocky and Fedora CHECKSUM; GNU and"
                            + " BSD formats). The image's file name (the last part of get_url) is"
                            + " looked up in it. When the sums file cannot be fetched, the last"
                            + " digest read from it is used, so a cached image still builds"
                            + " offline."),
                    new Entry(
                        "size",
                        "The virtual size of the generated disk: bytes (21474836480) or a number"
                            + " with K, M, G or T (powers of 1024, as qemu-img reads them). It may"
                            + " not be smaller than the base image's own virtual size: images are"
                            + " never shrunk."))),
            new Text(
                "Every problem in the file is reported at once, one line each, with its"
                    + " file:line:column and key path (exit status 3).")));
  }
}
