package org.genvmimage.download;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.openpgp.PGPMarker;
import org.bouncycastle.openpgp.PGPObjectFactory;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSecretKeyRing;
import org.bouncycastle.openpgp.PGPSignatureList;
import org.bouncycastle.openpgp.operator.bc.BcKeyFingerprintCalculator;

/**
 * The OpenPGP public keys of one or more key files (armored, possibly several armor blocks, or
 * binary), read with Bouncy Castle: no {@code gpg}, no keyring of the user's.
 */
public final class OpenPgpKeys {
  private static final Pattern ARMOR =
      Pattern.compile(
          "-----BEGIN PGP (PUBLIC|PRIVATE) KEY BLOCK-----.*?-----END PGP \\1 KEY BLOCK-----",
          Pattern.DOTALL);

  /** The largest key file read. */
  private static final long KEY_FILE_LIMIT = 4 << 20;

  private final List<PGPPublicKeyRing> rings;

  private OpenPgpKeys(List<PGPPublicKeyRing> rings) {
    this.rings = List.copyOf(rings);
  }

  /**
   * The keys of {@code files}.
   *
   * @throws IllegalArgumentException naming the file that cannot be read or holds no public key
   */
  public static OpenPgpKeys load(List<Path> files) {
    List<PGPPublicKeyRing> rings = new ArrayList<>();
    for (Path file : files) {
      rings.addAll(read(file));
    }
    return new OpenPgpKeys(rings);
  }

  /** The public key rings of one key file; see {@link #load}. */
  static List<PGPPublicKeyRing> read(Path file) {
    byte[] bytes;
    try {
      if (!Files.isRegularFile(file)) {
        throw new IllegalArgumentException(file + ": no such key file");
      }
      if (Files.size(file) > KEY_FILE_LIMIT) {
        throw new IllegalArgumentException(file + ": too large for an OpenPGP public key file");
      }
      bytes = Files.readAllBytes(file);
    } catch (IOException e) {
      throw new IllegalArgumentException(file + ": cannot read the key file: " + e.getMessage(), e);
    }
    List<PGPPublicKeyRing> rings = new ArrayList<>();
    try {
      String text = new String(bytes, StandardCharsets.ISO_8859_1);
      Matcher armor = ARMOR.matcher(text);
      boolean armored = false;
      while (armor.find()) {
        armored = true;
        if (armor.group(1).equals("PRIVATE")) {
          throw new IllegalArgumentException(
              file + ": holds a private key (give the public key: gpg --export --armor KEYID)");
        }
        byte[] block = armor.group().getBytes(StandardCharsets.ISO_8859_1);
        try (InputStream in = new ArmoredInputStream(new ByteArrayInputStream(block))) {
          collect(in, file, rings);
        }
      }
      if (!armored) {
        if (bytes.length == 0 || (bytes[0] & 0x80) == 0) {
          throw new IllegalArgumentException(
              file + ": not an OpenPGP public key file (expected an armored or binary key)");
        }
        collect(new ByteArrayInputStream(bytes), file, rings);
      }
    } catch (IOException | RuntimeException e) {
      if (e instanceof IllegalArgumentException) {
        throw (IllegalArgumentException) e;
      }
      throw new IllegalArgumentException(
          file + ": not a readable OpenPGP public key file: " + e.getMessage(), e);
    }
    if (rings.isEmpty()) {
      throw new IllegalArgumentException(file + ": holds no OpenPGP public key");
    }
    return rings;
  }

  private static void collect(InputStream in, Path file, List<PGPPublicKeyRing> rings)
      throws IOException {
    PGPObjectFactory objects = new PGPObjectFactory(in, new BcKeyFingerprintCalculator());
    Object next;
    while ((next = objects.nextObject()) != null) {
      if (next instanceof PGPPublicKeyRing ring) {
        rings.add(ring);
      } else if (next instanceof PGPSecretKeyRing) {
        throw new IllegalArgumentException(
            file + ": holds a private key (give the public key: gpg --export KEYID)");
      } else if (!(next instanceof PGPMarker) && !(next instanceof PGPSignatureList)) {
        throw new IllegalArgumentException(
            file + ": not an OpenPGP public key file (found " + describe(next) + ")");
      }
    }
  }

  private static String describe(Object packet) {
    return packet.getClass().getSimpleName().replaceFirst("^PGP", "").toLowerCase(Locale.ROOT);
  }

  List<PGPPublicKeyRing> rings() {
    return rings;
  }

  /** The primary keys' fingerprints, upper-case hex. */
  public List<String> fingerprints() {
    return rings.stream().map(r -> fingerprint(r.getPublicKey())).toList();
  }

  /** The key (primary or subkey) with this key ID, and its ring; null when none. */
  PGPPublicKeyRing ringOf(long keyId) {
    for (PGPPublicKeyRing ring : rings) {
      if (ring.getPublicKey(keyId) != null) {
        return ring;
      }
    }
    return null;
  }

  /** A key's fingerprint in upper-case hex. */
  static String fingerprint(PGPPublicKey key) {
    return HexFormat.of().withUpperCase().formatHex(key.getFingerprint());
  }
}
