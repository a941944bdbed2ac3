package org.genvmimage.download;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.bouncycastle.bcpg.KeyIdentifier;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureSubpacketVector;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentVerifierBuilderProvider;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/**
 * Reads a sums file's text, verifying its OpenPGP signature when keys are given: a detached
 * signature over the file's bytes, or the signature of a clear-signed file over its signed text. A
 * signature counts only when it verifies with one of the keys (a primary key, or a subkey bound to
 * it that may sign and that signed the binding back, RFC 4880 section 11.1) and that key was
 * neither revoked nor expired when it signed.
 */
final class SignedSums {
  /**
   * The text to look up digests in, and who signed it.
   *
   * @param signedBy the fingerprint (upper-case hex) of the primary key whose key signed it, or
   *     null when no keys were given
   */
  record Text(String text, String signedBy) {}

  private SignedSums() {}

  /**
   * The text of a sums file that is not to be verified: a clear-signed file's signed text (it is
   * not checked), else the whole file.
   */
  static Text unverified(byte[] sums) {
    if (ClearSigned.isClearSigned(sums)) {
      try {
        return new Text(ClearSigned.parse(sums).text(), null);
      } catch (IOException e) {
        // not readable as a clear-signed message: the line parser skips its armor
      }
    }
    return new Text(new String(sums, StandardCharsets.UTF_8), null);
  }

  /**
   * The verified text of a sums file.
   *
   * @param sumsFile the sums file, for messages
   * @param detached the detached signature's bytes, or null for a clear-signed file
   * @throws GenVmException CHECKSUM_MISMATCH, one line naming the sums file, the keys expected and
   *     what was found
   */
  static Text verify(
      URI sumsFile, byte[] sums, byte[] detached, SumsSignature how, OpenPgpKeys keys) {
    byte[] signed;
    List<PGPSignature> signatures;
    String text;
    try {
      if (detached != null) {
        signed = sums;
        text = unverified(sums).text();
        try {
          signatures = DetachedSignatures.read(detached);
        } catch (IOException e) {
          throw failure(
              sumsFile,
              how,
              keys,
              how.signature() + " is not an OpenPGP signature (" + e.getMessage() + ")");
        }
      } else if (ClearSigned.isClearSigned(sums)) {
        ClearSigned clear = ClearSigned.parse(sums);
        signed = clear.canonical();
        signatures = clear.signatures();
        text = clear.text();
      } else {
        throw failure(
            sumsFile,
            how,
            keys,
            "no signature (the file is not clear-signed, and checksum.signature names no detached"
                + " signature)");
      }
    } catch (IOException e) {
      throw failure(
          sumsFile, how, keys, "its clear-signed armor cannot be read (" + e.getMessage() + ")");
    }
    if (signatures.isEmpty()) {
      throw failure(sumsFile, how, keys, "no signature");
    }
    Set<String> problems = new LinkedHashSet<>();
    for (PGPSignature signature : signatures) {
      String problem = check(signature, signed, how, keys);
      if (problem == null) {
        PGPPublicKeyRing ring = ringOf(signature, keys);
        return new Text(text, OpenPgpKeys.fingerprint(ring.getPublicKey()));
      }
      problems.add(problem);
    }
    throw failure(sumsFile, how, keys, String.join("; ", problems));
  }

  static GenVmException failure(URI sumsFile, SumsSignature how, OpenPgpKeys keys, String found) {
    return new GenVmException(
        ExitCode.CHECKSUM_MISMATCH,
        sumsFile
            + ": "
            + found
            + " (expected a signature by "
            + String.join(" or ", keys.fingerprints())
            + " from "
            + how.keysLabel()
            + "); nothing from it is trusted");
  }

  /** Null when the signature verifies with a usable key; else what is wrong. */
  private static String check(
      PGPSignature signature, byte[] signed, SumsSignature how, OpenPgpKeys keys) {
    int type = signature.getSignatureType();
    if (type != PGPSignature.BINARY_DOCUMENT && type != PGPSignature.CANONICAL_TEXT_DOCUMENT) {
      return "a signature of type 0x" + Integer.toHexString(type) + ", not of a document";
    }
    PGPPublicKeyRing ring = ringOf(signature, keys);
    if (ring == null) {
      return "signed by " + issuer(signature) + ", which is not in " + how.keysLabel();
    }
    PGPPublicKey key = ring.getPublicKey(keyId(signature, ring));
    try {
      signature.init(new BcPGPContentVerifierBuilderProvider(), key);
      signature.update(signed);
      if (!signature.verify()) {
        return "the signature by "
            + OpenPgpKeys.fingerprint(key)
            + " does not match the content (changed after signing?)";
      }
    } catch (PGPException | RuntimeException e) {
      return "the signature by " + OpenPgpKeys.fingerprint(key) + " cannot be checked: " + e;
    }
    String unusable = unusable(ring, key, signature.getCreationTime());
    if (unusable != null) {
      return unusable;
    }
    long lifetime = signature.getHashedSubPackets().getSignatureExpirationTime();
    if (lifetime > 0
        && signature.getCreationTime().toInstant().plusSeconds(lifetime).isBefore(Instant.now())) {
      return "the signature by " + OpenPgpKeys.fingerprint(key) + " has expired";
    }
    return null;
  }

  private static PGPPublicKeyRing ringOf(PGPSignature signature, OpenPgpKeys keys) {
    for (long id : keyIds(signature)) {
      PGPPublicKeyRing ring = keys.ringOf(id);
      if (ring != null) {
        return ring;
      }
    }
    return null;
  }

  private static long keyId(PGPSignature signature, PGPPublicKeyRing ring) {
    for (long id : keyIds(signature)) {
      if (ring.getPublicKey(id) != null) {
        return id;
      }
    }
    throw new IllegalStateException("no key of the ring issued this signature");
  }

  private static List<Long> keyIds(PGPSignature signature) {
    List<Long> ids = new ArrayList<>();
    if (signature.getKeyID() != 0) {
      ids.add(signature.getKeyID());
    }
    for (KeyIdentifier id : signature.getKeyIdentifiers()) {
      if (!id.isWildcard() && !ids.contains(id.getKeyId())) {
        ids.add(id.getKeyId());
      }
    }
    return ids;
  }

  /** The signer as the signature names it: a fingerprint when it carries one, else a key ID. */
  private static String issuer(PGPSignature signature) {
    for (KeyIdentifier id : signature.getKeyIdentifiers()) {
      if (id.getFingerprint() != null) {
        return java.util.HexFormat.of().withUpperCase().formatHex(id.getFingerprint());
      }
    }
    List<Long> ids = keyIds(signature);
    return ids.isEmpty() ? "an unnamed key" : String.format("key ID %016X", ids.get(0));
  }

  /** Why {@code key} of {@code ring} could not sign at {@code when}, or null when it could. */
  private static String unusable(PGPPublicKeyRing ring, PGPPublicKey key, Date when) {
    PGPPublicKey primary = ring.getPublicKey();
    String name = "key " + OpenPgpKeys.fingerprint(primary);
    if (revoked(primary, primary, null)) {
      return name + " is revoked";
    }
    String expired = expired(primary, selfSignature(primary), when, name);
    if (expired != null) {
      return expired;
    }
    if (key.getKeyID() == primary.getKeyID()) {
      return null;
    }
    String subkey = "subkey " + OpenPgpKeys.fingerprint(key) + " of " + name;
    PGPSignature binding = binding(primary, key);
    if (binding == null) {
      return subkey + " is not bound to it by a valid signature";
    }
    if (revoked(key, primary, key)) {
      return subkey + " is revoked";
    }
    int flags = binding.getHashedSubPackets().getKeyFlags();
    if (binding.getHashedSubPackets().hasSubpacket(27) && (flags & KeyFlags.SIGN_DATA) == 0) {
      return subkey + " is not a signing key";
    }
    if (!backSigned(binding, primary, key)) {
      return subkey + " has no valid primary key binding (back-signature)";
    }
    return expired(key, binding, when, subkey);
  }

  /**
   * Whether {@code binding} carries, embedded in its hashed or unhashed subpackets, a primary key
   * binding signature (0x19) that {@code subkey} made over {@code primary} and itself: the proof
   * that the subkey's owner agreed to the binding, which RFC 4880 requires of a signing subkey.
   */
  private static boolean backSigned(
      PGPSignature binding, PGPPublicKey primary, PGPPublicKey subkey) {
    List<PGPSignature> embedded = new ArrayList<>();
    for (PGPSignatureSubpacketVector packets :
        new PGPSignatureSubpacketVector[] {
          binding.getHashedSubPackets(), binding.getUnhashedSubPackets()
        }) {
      if (packets == null) {
        continue;
      }
      try {
        packets.getEmbeddedSignatures().forEach(embedded::add);
      } catch (PGPException | RuntimeException e) {
        // unreadable embedded signatures do not count
      }
    }
    for (PGPSignature back : embedded) {
      if (back.getSignatureType() != PGPSignature.PRIMARYKEY_BINDING) {
        continue;
      }
      try {
        back.init(new BcPGPContentVerifierBuilderProvider(), subkey);
        if (back.verifyCertification(primary, subkey)) {
          return true;
        }
      } catch (PGPException | RuntimeException e) {
        // a back-signature that cannot be checked does not count
      }
    }
    return false;
  }

  /**
   * Why {@code key} had expired at {@code when}, or null: its lifetime is the one its newest valid
   * self-signature gives ({@code selfSignature}: a user ID certification or direct-key signature of
   * a primary key, a subkey's binding), and no key expiration time there means it never expires. A
   * newer self-signature thus renews or shortens the key; older ones, and signatures that do not
   * verify, say nothing (Bouncy Castle's {@code getValidSeconds} reads unverified signatures and
   * skips the newest one when it carries no expiration time).
   */
  private static String expired(
      PGPPublicKey key, PGPSignature selfSignature, Date when, String name) {
    long seconds =
        selfSignature == null || selfSignature.getHashedSubPackets() == null
            ? 0
            : selfSignature.getHashedSubPackets().getKeyExpirationTime();
    if (seconds <= 0) {
      return null;
    }
    Instant end = key.getCreationTime().toInstant().plusSeconds(seconds);
    if (end.isBefore(when.toInstant())) {
      return name + " had expired (" + end + ") when it signed (" + when.toInstant() + ")";
    }
    return null;
  }

  /** Whether a revocation of {@code target} made by {@code primary} verifies. */
  private static boolean revoked(PGPPublicKey target, PGPPublicKey primary, PGPPublicKey subkey) {
    int type = subkey == null ? PGPSignature.KEY_REVOCATION : PGPSignature.SUBKEY_REVOCATION;
    for (Iterator<PGPSignature> it = target.getSignaturesOfType(type); it.hasNext(); ) {
      PGPSignature revocation = it.next();
      try {
        revocation.init(new BcPGPContentVerifierBuilderProvider(), primary);
        boolean valid =
            subkey == null
                ? revocation.verifyCertification(primary)
                : revocation.verifyCertification(primary, subkey);
        if (valid) {
          return true;
        }
      } catch (PGPException | RuntimeException e) {
        // a revocation that cannot be checked does not count
      }
    }
    return false;
  }

  /**
   * The newest self-signature of {@code primary} that verifies: a certification of one of its user
   * IDs, or a direct-key signature, made by itself; null when there is none.
   */
  private static PGPSignature selfSignature(PGPPublicKey primary) {
    PGPSignature newest = null;
    List<PGPSignature> candidates = new ArrayList<>();
    Iterator<String> ids = primary.getUserIDs();
    while (ids.hasNext()) {
      String id = ids.next();
      for (Iterator<PGPSignature> it = primary.getSignaturesForID(id); it.hasNext(); ) {
        PGPSignature signature = it.next();
        if (signature.isCertification()
            && keyIds(signature).contains(primary.getKeyID())
            && verifies(signature, primary, () -> signature.verifyCertification(id, primary))) {
          candidates.add(signature);
        }
      }
    }
    for (Iterator<PGPSignature> it = primary.getSignaturesOfType(PGPSignature.DIRECT_KEY);
        it.hasNext(); ) {
      PGPSignature signature = it.next();
      if (verifies(signature, primary, () -> signature.verifyCertification(primary))) {
        candidates.add(signature);
      }
    }
    for (PGPSignature signature : candidates) {
      if (newest == null || signature.getCreationTime().after(newest.getCreationTime())) {
        newest = signature;
      }
    }
    return newest;
  }

  /** A check of a signature that may throw. */
  private interface Check {
    boolean verify() throws PGPException;
  }

  private static boolean verifies(PGPSignature signature, PGPPublicKey by, Check check) {
    try {
      signature.init(new BcPGPContentVerifierBuilderProvider(), by);
      return check.verify();
    } catch (PGPException | RuntimeException e) {
      return false;
    }
  }

  /** The newest binding signature of {@code subkey} by {@code primary} that verifies, or null. */
  private static PGPSignature binding(PGPPublicKey primary, PGPPublicKey subkey) {
    PGPSignature newest = null;
    for (Iterator<PGPSignature> it = subkey.getSignaturesOfType(PGPSignature.SUBKEY_BINDING);
        it.hasNext(); ) {
      PGPSignature binding = it.next();
      try {
        binding.init(new BcPGPContentVerifierBuilderProvider(), primary);
        if (binding.verifyCertification(primary, subkey)
            && (newest == null || binding.getCreationTime().after(newest.getCreationTime()))) {
          newest = binding;
        }
      } catch (PGPException | RuntimeException e) {
        // not a valid binding
      }
    }
    return newest;
  }
}
