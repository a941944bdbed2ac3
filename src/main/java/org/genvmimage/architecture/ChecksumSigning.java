package org.genvmimage.architecture;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.genvmimage.architecture.ArchitectureValidator.Field;
import org.genvmimage.download.OpenPgpKeys;
import org.genvmimage.download.SumsSignature;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * The OpenPGP keys that must have signed an image's sums file ({@code checksum.signed_by}) and
 * where its detached signature is ({@code checksum.signature}). Each check throws {@link
 * IllegalArgumentException} with the message to report.
 */
final class ChecksumSigning {
  /** What a {@code signed_by} entry is expected to be. */
  static final String KEY_FILE_EXPECTED =
      "an OpenPGP public key file, armored or binary, relative to the architecture file";

  /** What {@code signed_by} is expected to be. */
  static final String SIGNED_BY_EXPECTED = KEY_FILE_EXPECTED + ", or a list of them";

  static final String SIGNATURE_WITHOUT_KEYS =
      "a signature needs 'signed_by': the public key file(s) whose keys may sign the sums file";

  static final String KEYS_WITH_HEX =
      "only a sums file is signed: 'signed_by' needs 'value: file:' and the sums file's URL (a"
          + " hex value is trusted as written)";

  private ChecksumSigning() {}

  /**
   * The key file that {@code text} names, checked now: it must hold at least one public key.
   *
   * @param baseDir the folder a relative path is resolved against
   */
  static Path keyFile(String text, Path baseDir) {
    URI location = Locations.resolve(text, baseDir);
    if (!"file".equalsIgnoreCase(location.getScheme())) {
      throw new IllegalArgumentException(
          "'"
              + text.strip()
              + "' is not a local file (expected "
              + KEY_FILE_EXPECTED
              + "; keys are what the signature is trusted by, so they are not downloaded)");
    }
    Path file = Path.of(location);
    OpenPgpKeys.load(List.of(file));
    return file;
  }

  /**
   * The checksum {@code spec} with the signing that {@code signature} and {@code signedBy} ask for
   * (either may be null), or null after reporting a problem through {@code v}.
   */
  static ChecksumSpec signed(
      ArchitectureValidator v, ChecksumSpec spec, Field signature, Field signedBy) {
    if (spec == null || signedBy == null) {
      return spec;
    }
    if (!spec.isSumsFile()) {
      v.problem(signedBy.key(), signedBy.path(), KEYS_WITH_HEX);
      return null;
    }
    int before = v.problemCount();
    URI signatureUrl = signature == null ? null : v.location(signature.expecting(Locations.KINDS));
    List<Path> keyFiles = new ArrayList<>();
    List<String> keyNames = new ArrayList<>();
    List<Field> entries = new ArrayList<>();
    if (signedBy.value() instanceof SequenceNode list && !list.getValue().isEmpty()) {
      for (int i = 0; i < list.getValue().size(); i++) {
        Node entry = list.getValue().get(i);
        entries.add(new Field(signedBy.path() + "[" + i + "]", entry, entry, null));
      }
    } else {
      entries.add(signedBy);
    }
    for (Field entry : entries) {
      String name = v.text(entry.expecting(SIGNED_BY_EXPECTED));
      try {
        if (name != null) {
          keyFiles.add(keyFile(name, v.baseDir()));
          keyNames.add(name.strip());
        }
      } catch (IllegalArgumentException e) {
        v.problem(entry.at(), entry.path(), e.getMessage());
      }
    }
    if (v.problemCount() > before) {
      return null;
    }
    return new ChecksumSpec(
        spec.type(), null, spec.sumsFile(), new SumsSignature(signatureUrl, keyFiles, keyNames));
  }
}
