package org.genvmimage.cli;

import java.util.List;
import org.genvmimage.architecture.Architecture;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import picocli.CommandLine.Option;

/** {@code --require-signatures}: refuse images whose checksum is not verified by a signature. */
public final class SignatureOption {
  @Option(
      names = "--require-signatures",
      description =
          "Refuse (exit 3, before anything is downloaded) every image whose checksum has no"
              + " signed_by: keys, i.e. whose sums file's OpenPGP signature is not verified,"
              + " and every image downloaded or read without a checksum.")
  boolean requireSignatures;

  /**
   * Fails, naming each, when signatures are required and an image to build has none.
   *
   * @param selected the --image keys, or empty for every image
   */
  void check(Architecture architecture, List<String> selected) {
    if (!requireSignatures) {
      return;
    }
    List<String> unsigned =
        architecture.images().values().stream()
            .filter(spec -> selected.isEmpty() || selected.contains(spec.key()))
            .filter(
                spec ->
                    !spec.blank() && (spec.checksum() == null || spec.checksum().signing() == null))
            .map(spec -> spec.key())
            .toList();
    if (!unsigned.isEmpty()) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT,
          architecture.file()
              + ": --require-signatures: no checksum.signed_by for "
              + (unsigned.size() == 1 ? "image " : "images ")
              + String.join(", ", unsigned)
              + " (give the public keys that sign its sums file)");
    }
  }
}
