package org.genvmimage.download;

import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How a sums file is signed: the OpenPGP public key files whose keys may sign it, and where its
 * detached signature is (or null for a clear-signed sums file, which carries its own).
 *
 * @param signature the detached signature ({@code http(s)} or {@code file:}), binary or armored;
 *     null when the sums file is clear-signed
 * @param keyFiles the public key files (absolute), each armored or binary, each with one or more
 *     keys
 * @param keyNames the key files as the architecture file names them, for messages
 */
public record SumsSignature(URI signature, List<Path> keyFiles, List<String> keyNames) {
  public SumsSignature {
    keyFiles = List.copyOf(Objects.requireNonNull(keyFiles, "keyFiles"));
    keyNames = List.copyOf(Objects.requireNonNull(keyNames, "keyNames"));
    if (keyFiles.isEmpty() || keyFiles.size() != keyNames.size()) {
      throw new IllegalArgumentException("give one name for each of one or more key files");
    }
  }

  /** The key files' names, joined for a message: {@code keys/a.asc and keys/b.asc}. */
  public String keysLabel() {
    if (keyNames.size() == 1) {
      return keyNames.get(0);
    }
    return String.join(", ", keyNames.subList(0, keyNames.size() - 1))
        + " and "
        + keyNames.get(keyNames.size() - 1);
  }
}
