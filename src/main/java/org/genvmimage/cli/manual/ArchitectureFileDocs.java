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
                  signature: <string> # Optional: the sums file's detached OpenPGP signature (URL or path)
                  signed_by: <string or list> # Optional: public key file(s) that must have signed the sums file
              size: <string> # The size of the generated image disk: bytes, or a number with K, M, G or T\
      """;

  /**
   * The newer form of an image, beside the seed's: {@code input} for the base image (without it, a
   * blank disk), {@code format} and {@code output}. The README shows the same.
   */
  public static final String INPUT_STRUCTURE =
      """
      <image-key>:
          name: <string> # The name of the image
          version: <string> # Optional
          format: qcow2 # Optional: the format written: qcow2, raw, vmdk, vhdx or vpc (vhd)
          subformat: <string> # Optional: vmdk streamOptimized; vpc or vhdx fixed (Azure: vpc fixed)
          compression: <string> # Optional, qcow2 only: zstd or zlib (compressed clusters)
          size: <string> # The size of the generated image disk
          input: # Optional: without it, a new blank disk of size
              url: <string or list> # A URL, or a list of mirrors tried in order
              path: <string> # Or a local file (relative to the architecture file)
              format: <string> # Optional: the base image's format, checked after the download
              checksum: # Optional, but a url without one is not verified (a warning)
                  type: <string>
                  value: <string>
          extra_kwargs: # Optional, a blank disk only: extra qemu-img create options
              b: <string> # A backing file (relative to the image's folder), with F
              F: <string> # The backing file's format
              o: <string> # Create options; a secret they name comes from --secret
          output: # Optional
              path: <string> # This image's output path (relative to the current folder)
              format: qcow2 # Optional: as format (subformat and compression too)\
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
            signature: https://example.org/images/SHA512SUMS.sign
            signed_by: keys/example.asc
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
    return withoutComments(STRUCTURE);
  }

  private static String withoutComments(String structure) {
    return String.join("\n", structure.lines().map(l -> l.replaceAll("\\s*#.*$", "")).toList());
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
                    + " published beside it, whose signature is verified with the key in"
                    + " keys/example.asc, one read from a local file and checked against its"
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
                            + " file's folder) is read in place. A list of http(s) URLs is a"
                            + " list of mirrors, tried in order: a mirror that refuses, answers an"
                            + " error status, stalls or sends a file that does not verify hands"
                            + " over to the next at once (only the last one is retried), and a cut"
                            + " download resumes from the next. When all fail, one line names"
                            + " each (exit 4, or 5 when every one sent another file). The base"
                            + " image may be compressed with xz, gzip, bzip2 or zstd (Fedora's"
                            + " .raw.xz, FreeBSD's .qcow2.xz, Flatcar's .img.bz2): it is"
                            + " recognised by its content, its checksum is the compressed file's"
                            + " (as published), and it is decompressed into the build."),
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
                        "checksum.signed_by",
                        "Optional, with a file:<URL> value: an OpenPGP public key file, or a list"
                            + " of them (armored or binary, each with one or more keys; relative"
                            + " paths are relative to the architecture file), read when the file"
                            + " is loaded. The sums file is then trusted only when its signature"
                            + " verifies with one of these keys (a primary key or a signing"
                            + " subkey), which was neither revoked nor expired when it signed; a"
                            + " bad, missing or foreign signature fails the image with exit 5"
                            + " before it is downloaded. Verified in-process (Bouncy Castle): no"
                            + " gpg, no keyring of the user's. Offline, only a digest whose"
                            + " signature verified is used."),
                    new Entry(
                        "checksum.signature",
                        "Optional, with signed_by: the sums file's detached signature (binary or"
                            + " armored), a URL or a path, e.g. Debian's SHA512SUMS.sign or"
                            + " Ubuntu's SHA256SUMS.gpg. A clear-signed sums file (Fedora's"
                            + " CHECKSUM, AlmaLinux's CHECKSUM.asc) needs none; without signed_by"
                            + " its signed text is read, unverified."),
                    new Entry(
                        "size",
                        "The virtual size of the generated disk: bytes (21474836480) or a number"
                            + " with K, M, G or T (powers of 1024, as qemu-img reads them). It may"
                            + " not be smaller than the base image's own virtual size: images are"
                            + " never shrunk."),
                    new Entry(
                        "input",
                        "The newer form of an image, instead of get_url and checksum: input.url"
                            + " (a URL or a list of mirrors, as get_url) or input.path (a local"
                            + " file, relative to the architecture file, read in place),"
                            + " input.format (the base image's format, checked after the download:"
                            + " exit 6 when it differs) and input.checksum (as checksum; required"
                            + " for a url, optional for a path). Without input the image is a new"
                            + " blank disk of size. version is optional in this form."),
                    new Entry(
                        "format, output.format",
                        "The format written: qcow2 (the default), raw (sparse), vmdk, vhdx or"
                            + " vpc (vhd is read as vpc). The output name made from the image key"
                            + " takes the format's extension (.raw, .vmdk, .vhdx, .vhd); another"
                            + " value is an error in the file."),
                    new Entry(
                        "subformat, output.subformat",
                        "The variant of a vmdk, vhdx or vpc output: vmdk monolithicSparse (the"
                            + " default, one growing file) or streamOptimized (compressed, for"
                            + " uploads to vSphere or OpenStack); vhdx and vpc dynamic (the"
                            + " default) or fixed (every block in place; Azure takes a fixed vpc,"
                            + " written with force_size so that its size is exactly size). qcow2"
                            + " and raw have none; another value is an error in the file."),
                    new Entry(
                        "compression, output.compression",
                        "zstd or zlib: a qcow2 output with compressed clusters (qemu-img convert"
                            + " -c, last, after the resize; zstd needs QEMU 5.1 or later built"
                            + " with it, and compat 1.1, which is always written). Any other"
                            + " format, or value, is an error in the file. Guests read compressed"
                            + " clusters as they are; what they write is stored uncompressed."),
                    new Entry(
                        "extra_kwargs",
                        "A blank disk's extra qemu-img create options (the upstream tool's"
                            + " name): b, a backing file, as qemu-img reads it (a relative one"
                            + " from the image's own folder, and kept relative in the image); it"
                            + " must exist when the run starts, and needs F, its format, and the"
                            + " qcow2 format; o, options passed to a second -o (qcow2 or raw"
                            + " only). encrypt.key=ID is read as encrypt.key-secret=ID; every"
                            + " secret an option names must be given with --secret ID=FILE (exit"
                            + " 2 without). Other keys, or extra_kwargs beside input, are errors"
                            + " in the file. A change of them rebuilds the image."),
                    new Entry(
                        "output.path",
                        "Where this image is written, relative to the current folder; it takes"
                            + " precedence over --image-output-path for this image. Two images may"
                            + " not share an output path."))),
            new Text("An image in the newer form:"),
            new Literal(withoutComments(INPUT_STRUCTURE)),
            new Text(
                "Unknown keys are errors (with the nearest known key as a suggestion), in both"
                    + " forms."),
            new Text(
                "Every problem in the file is reported at once, one line each, with its"
                    + " file:line:column and key path (exit status 3).")));
  }
}
