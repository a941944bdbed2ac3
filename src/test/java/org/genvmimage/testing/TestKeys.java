package org.genvmimage.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Date;
import java.util.HexFormat;
import org.bouncycastle.bcpg.ArmoredOutputStream;
import org.bouncycastle.bcpg.HashAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyAlgorithmTags;
import org.bouncycastle.bcpg.PublicKeyPacket;
import org.bouncycastle.bcpg.sig.KeyFlags;
import org.bouncycastle.crypto.generators.Ed25519KeyPairGenerator;
import org.bouncycastle.crypto.params.Ed25519KeyGenerationParameters;
import org.bouncycastle.openpgp.PGPException;
import org.bouncycastle.openpgp.PGPKeyPair;
import org.bouncycastle.openpgp.PGPKeyRingGenerator;
import org.bouncycastle.openpgp.PGPPublicKey;
import org.bouncycastle.openpgp.PGPPublicKeyRing;
import org.bouncycastle.openpgp.PGPSignature;
import org.bouncycastle.openpgp.PGPSignatureGenerator;
import org.bouncycastle.openpgp.PGPSignatureSubpacketGenerator;
import org.bouncycastle.openpgp.operator.bc.BcPGPContentSignerBuilder;
import org.bouncycastle.openpgp.operator.bc.BcPGPDigestCalculatorProvider;
import org.bouncycastle.openpgp.operator.bc.BcPGPKeyPair;

/**
 * Throwaway OpenPGP keys for tests, made with Bouncy Castle (Ed25519, fast): a public key to write
 * to a key file, and detached or clear-signed signatures as the distributions publish them.
 */
public final class TestKeys {
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final long DAY = 86_400;

  private PGPPublicKeyRing ring;
  private final PGPKeyPair primary;
  private final PGPKeyPair signer;

  private TestKeys(PGPPublicKeyRing ring, PGPKeyPair primary, PGPKeyPair signer) {
    this.ring = ring;
    this.primary = primary;
    this.signer = signer;
  }

  /** A primary key that signs. */
  public static TestKeys generate(String name) {
    return make(name, new Date(), 0, null);
  }

  /** How a signing subkey's binding is signed back by the subkey (RFC 4880 section 11.1). */
  public enum BackSignature {
    /** The binding embeds a primary key binding signature by the subkey, as GnuPG makes it. */
    VALID,
    /** The binding embeds no primary key binding signature. */
    NONE,
    /** The binding embeds a primary key binding signature made by a key other than the subkey. */
    BY_ANOTHER_KEY
  }

  /** A certify-only primary key with a signing subkey, which signs. */
  public static TestKeys withSigningSubkey(String name) {
    return withSigningSubkey(name, BackSignature.VALID);
  }

  /** A certify-only primary key with a signing subkey, which signs, its binding signed back so. */
  public static TestKeys withSigningSubkey(String name, BackSignature back) {
    return make(name, new Date(), 0, back);
  }

  /** A key made ten days ago that expired a day later: whatever it signs now, it signs expired. */
  public static TestKeys expired(String name) {
    return make(name, new Date(System.currentTimeMillis() - 10 * DAY * 1000), DAY, null);
  }

  /**
   * A key made ten days ago, its signing subkey's binding giving the subkey a lifetime of one day:
   * whatever it signs now, it signs with an expired subkey (the primary key never expires).
   */
  public static TestKeys withExpiredSigningSubkey(String name) {
    return make(name, daysAgo(10), 0, BackSignature.VALID, DAY);
  }

  /** A key made ten days ago that never expires (until a newer self-signature says otherwise). */
  public static TestKeys madeDaysAgo(String name, boolean subkey) {
    return make(name, daysAgo(10), 0, subkey ? BackSignature.VALID : null, 0);
  }

  /** The time {@code days} days ago. */
  public static Date daysAgo(int days) {
    return new Date(System.currentTimeMillis() - days * DAY * 1000);
  }

  private static TestKeys make(String name, Date created, long lifetime, BackSignature back) {
    return make(name, created, lifetime, back, 0);
  }

  /**
   * Keys whose self-signatures are made when the keys are; with a signing subkey (its binding
   * giving it {@code subLifetime} seconds, or no expiration time when 0) unless {@code back} is
   * null.
   */
  private static TestKeys make(
      String name, Date created, long lifetime, BackSignature back, long subLifetime) {
    boolean subkey = back != null;
    try {
      PGPKeyPair primary = pair(created);
      PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
      hashed.setSignatureCreationTime(false, created);
      hashed.setKeyFlags(
          false, subkey ? KeyFlags.CERTIFY_OTHER : KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA);
      if (lifetime > 0) {
        hashed.setKeyExpirationTime(false, lifetime);
      }
      PGPKeyRingGenerator rings =
          new PGPKeyRingGenerator(
              PGPSignature.POSITIVE_CERTIFICATION,
              primary,
              name + " <" + name.replace(' ', '.') + "@example.org>",
              new BcPGPDigestCalculatorProvider().get(HashAlgorithmTags.SHA1),
              hashed.generate(),
              null,
              signerBuilder(),
              null);
      PGPKeyPair signer = primary;
      if (subkey) {
        signer = pair(created);
        PGPSignatureSubpacketGenerator subHashed =
            bindingPackets(primary, signer, back, created, subLifetime);
        // no subkey signer: the ring generator embeds no back-signature of its own
        rings.addSubKey(signer, subHashed.generate(), null);
      }
      return new TestKeys(rings.generatePublicKeyRing(), primary, signer);
    } catch (PGPException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static PGPSignatureSubpacketGenerator bindingPackets(
      PGPKeyPair primary, PGPKeyPair signer, BackSignature back, Date at, long lifetime)
      throws PGPException, IOException {
    PGPSignatureSubpacketGenerator subHashed = new PGPSignatureSubpacketGenerator();
    subHashed.setSignatureCreationTime(false, at);
    subHashed.setKeyFlags(false, KeyFlags.SIGN_DATA);
    if (lifetime > 0) {
      subHashed.setKeyExpirationTime(false, lifetime);
    }
    if (back != BackSignature.NONE) {
      PGPKeyPair backSigner = back == BackSignature.VALID ? signer : pair(at);
      PGPSignatureGenerator generator =
          new PGPSignatureGenerator(signerBuilder(), backSigner.getPublicKey());
      PGPSignatureSubpacketGenerator backHashed = new PGPSignatureSubpacketGenerator();
      backHashed.setSignatureCreationTime(false, at);
      generator.setHashedSubpackets(backHashed.generate());
      generator.init(PGPSignature.PRIMARYKEY_BINDING, backSigner.getPrivateKey());
      subHashed.addEmbeddedSignature(
          false, generator.generateCertification(primary.getPublicKey(), signer.getPublicKey()));
    }
    return subHashed;
  }

  /**
   * These keys with a new self-signature of the primary key's user ID, made at {@code at}: a key
   * lifetime of {@code lifetime} seconds from the key's creation, or none (never expires) when 0.
   * As {@code gpg --quick-set-expire} renews or shortens a key.
   */
  public TestKeys recertify(long lifetime, Date at) {
    try {
      PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
      hashed.setSignatureCreationTime(false, at);
      hashed.setKeyFlags(
          false,
          signer == primary ? KeyFlags.CERTIFY_OTHER | KeyFlags.SIGN_DATA : KeyFlags.CERTIFY_OTHER);
      if (lifetime > 0) {
        hashed.setKeyExpirationTime(false, lifetime);
      }
      PGPSignatureGenerator generator =
          new PGPSignatureGenerator(signerBuilder(), primary.getPublicKey());
      generator.setHashedSubpackets(hashed.generate());
      generator.init(PGPSignature.POSITIVE_CERTIFICATION, primary.getPrivateKey());
      String id = ring.getPublicKey().getUserIDs().next();
      PGPSignature certification = generator.generateCertification(id, ring.getPublicKey());
      ring =
          PGPPublicKeyRing.insertPublicKey(
              ring, PGPPublicKey.addCertification(ring.getPublicKey(), id, certification));
      return this;
    } catch (PGPException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * These keys with a new binding of the signing subkey, made at {@code at}: a subkey lifetime of
   * {@code lifetime} seconds from its creation, or none when 0.
   */
  public TestKeys rebindSubkey(long lifetime, Date at) {
    try {
      PGPSignatureGenerator generator =
          new PGPSignatureGenerator(signerBuilder(), primary.getPublicKey());
      generator.setHashedSubpackets(
          bindingPackets(primary, signer, BackSignature.VALID, at, lifetime).generate());
      generator.init(PGPSignature.SUBKEY_BINDING, primary.getPrivateKey());
      PGPPublicKey subkey = ring.getPublicKey(signer.getKeyID());
      PGPSignature binding =
          generator.generateCertification(primary.getPublicKey(), signer.getPublicKey());
      ring = PGPPublicKeyRing.insertPublicKey(ring, PGPPublicKey.addCertification(subkey, binding));
      return this;
    } catch (PGPException | IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static PGPKeyPair pair(Date created) throws PGPException {
    Ed25519KeyPairGenerator generator = new Ed25519KeyPairGenerator();
    generator.init(new Ed25519KeyGenerationParameters(RANDOM));
    return new BcPGPKeyPair(
        PublicKeyPacket.VERSION_4,
        PublicKeyAlgorithmTags.EDDSA_LEGACY,
        generator.generateKeyPair(),
        created);
  }

  private static BcPGPContentSignerBuilder signerBuilder() {
    return new BcPGPContentSignerBuilder(
        PublicKeyAlgorithmTags.EDDSA_LEGACY, HashAlgorithmTags.SHA256);
  }

  /** These keys with the primary key revoked by itself. */
  public TestKeys revoke() {
    try {
      PGPSignatureGenerator generator =
          new PGPSignatureGenerator(signerBuilder(), primary.getPublicKey());
      generator.init(PGPSignature.KEY_REVOCATION, primary.getPrivateKey());
      PGPSignature revocation = generator.generateCertification(ring.getPublicKey());
      PGPPublicKey revoked = PGPPublicKey.addCertification(ring.getPublicKey(), revocation);
      ring = PGPPublicKeyRing.insertPublicKey(ring, revoked);
      return this;
    } catch (PGPException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The primary key's fingerprint, upper-case hex. */
  public String fingerprint() {
    return HexFormat.of().withUpperCase().formatHex(ring.getPublicKey().getFingerprint());
  }

  /** The fingerprint of the key that signs (the subkey, when there is one), upper-case hex. */
  public String signerFingerprint() {
    return HexFormat.of().withUpperCase().formatHex(signer.getPublicKey().getFingerprint());
  }

  /** The public key ring, armored ({@code gpg --export --armor}) or binary. */
  public byte[] publicKey(boolean armored) {
    try {
      return armored ? armor(ring.getEncoded()) : ring.getEncoded();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A detached signature of {@code data} (a binary document), armored or binary. */
  public byte[] sign(byte[] data, boolean armored) {
    PGPSignature signature = signature(PGPSignature.BINARY_DOCUMENT, data);
    try {
      return armored ? armor(signature.getEncoded()) : signature.getEncoded();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * {@code text} clear-signed as {@code gpg --clearsign} writes it: lines that start with '-' are
   * dash-escaped, and the signature covers the lines without trailing white space, joined by CR LF.
   */
  public String clearSign(String text) {
    String body = text.endsWith("\n") ? text.substring(0, text.length() - 1) : text;
    StringBuilder canonical = new StringBuilder();
    StringBuilder escaped = new StringBuilder();
    String[] lines = body.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      canonical.append(i == 0 ? "" : "\r\n").append(lines[i].replaceAll("[ \t]+$", ""));
      escaped.append(lines[i].startsWith("-") ? "- " : "").append(lines[i]).append('\n');
    }
    PGPSignature signature =
        signature(
            PGPSignature.CANONICAL_TEXT_DOCUMENT,
            canonical.toString().getBytes(StandardCharsets.UTF_8));
    try {
      return "-----BEGIN PGP SIGNED MESSAGE-----\nHash: SHA256\n\n"
          + escaped
          + new String(armor(signature.getEncoded()), StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private PGPSignature signature(int type, byte[] data) {
    try {
      PGPSignatureGenerator generator =
          new PGPSignatureGenerator(signerBuilder(), signer.getPublicKey());
      generator.init(type, signer.getPrivateKey());
      PGPSignatureSubpacketGenerator hashed = new PGPSignatureSubpacketGenerator();
      hashed.setSignatureCreationTime(false, new Date());
      hashed.setIssuerFingerprint(false, signer.getPublicKey());
      generator.setHashedSubpackets(hashed.generate());
      generator.update(data);
      return generator.generate();
    } catch (PGPException e) {
      throw new IllegalStateException(e);
    }
  }

  private static byte[] armor(byte[] packets) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (OutputStream armored = new ArmoredOutputStream(out)) {
      armored.write(packets);
    }
    return out.toByteArray();
  }
}
