package org.genvmimage.download;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.testing.TestKeys;
import org.genvmimage.testing.TestKeys.BackSignature;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenPGP verification of sums files: files made by GnuPG (a clear-signed Fedora-style CHECKSUM, a
 * Debian-style SHA512SUMS with an armored detached SHA512SUMS.sign, both by a primary key, and a
 * clear-signed SHA256SUMS by a signing subkey) and throwaway keys made with Bouncy Castle for the
 * failures.
 */
class SignedSumsTest {
  static final URI SUMS = URI.create("https://example.org/images/SHA512SUMS");
  static final String GPG_FINGERPRINT = "80E8423B9E04088E71A7F495A9198CD67F1DBA81";
  static final String QCOW = "Fedora-Cloud-Base-Generic-41-1.4.x86_64.qcow2";

  static TestKeys alice;
  static TestKeys mallory;

  @TempDir Path dir;

  @BeforeAll
  static void keys() {
    alice = TestKeys.generate("alice");
    mallory = TestKeys.generate("mallory");
  }

  static byte[] resource(String name) throws IOException {
    try (InputStream in = SignedSumsTest.class.getResourceAsStream("gpg/" + name)) {
      return in.readAllBytes();
    }
  }

  Path keyFile(String name, byte[]... keys) throws IOException {
    Path file = dir.resolve(name);
    Files.deleteIfExists(file);
    for (byte[] key : keys) {
      Files.write(
          file,
          key,
          java.nio.file.StandardOpenOption.CREATE,
          java.nio.file.StandardOpenOption.APPEND);
    }
    return file;
  }

  SumsSignature signing(URI signature, Path... keys) {
    return new SumsSignature(
        signature,
        List.of(keys),
        java.util.Arrays.stream(keys).map(k -> "keys/" + k.getFileName()).toList());
  }

  SignedSums.Text verify(byte[] sums, byte[] detached, Path... keys) {
    SumsSignature how = signing(detached == null ? null : URI.create("https://e/x.sign"), keys);
    return SignedSums.verify(SUMS, sums, detached, how, OpenPgpKeys.load(List.of(keys)));
  }

  @Test
  void aClearSignedChecksumFromGnuPgVerifiesAndOnlyItsSignedTextIsRead() throws IOException {
    Path key = keyFile("fixture.asc", resource("fixture-key.asc"));
    byte[] checksum = resource("CHECKSUM");

    SignedSums.Text text = verify(checksum, null, key);

    assertThat(text.signedBy()).isEqualTo(GPG_FINGERPRINT);
    assertThat(text.text()).startsWith("# Fedora-Cloud-Base-Generic-41-1.4.x86_64.qcow2");
    assertThat(text.text()).contains("\n- a line that starts with a dash\n"); // dash-unescaped
    assertThat(text.text()).doesNotContain("PGP");
    assertThat(SumsFile.find(text.text(), QCOW, "sha256"))
        .contains("6205ae0c524b4d1816dbd3573ce29b5c44ed26c9fbc874fbe48c41c89dd0bac2");
  }

  @Test
  void trailingWhitespaceAndLineEndsAreNotSignedButADigitIs() throws IOException {
    Path key = keyFile("fixture.asc", resource("fixture-key.asc"));
    String checksum = new String(resource("CHECKSUM"), StandardCharsets.UTF_8);
    // CR LF line ends and other trailing white space: the same signed text
    String crlf = checksum.replace("bytes\n", "bytes \t \n").replace("\n", "\r\n");
    assertThat(crlf).isNotEqualTo(checksum.replace("\n", "\r\n"));
    assertThat(verify(crlf.getBytes(StandardCharsets.UTF_8), null, key).signedBy())
        .isEqualTo(GPG_FINGERPRINT);

    String changed = checksum.replace("= 6205ae0c", "= 7205ae0c");
    assertThatThrownBy(() -> verify(changed.getBytes(StandardCharsets.UTF_8), null, key))
        .isInstanceOf(GenVmException.class)
        .hasMessage(
            SUMS
                + ": the signature by "
                + GPG_FINGERPRINT
                + " does not match the content (changed after signing?) (expected a signature by "
                + GPG_FINGERPRINT
                + " from keys/fixture.asc); nothing from it is trusted")
        .extracting(e -> ((GenVmException) e).exitCode())
        .isEqualTo(ExitCode.CHECKSUM_MISMATCH.code());
  }

  @Test
  void textAppendedAfterTheSignatureIsNotRead() throws IOException {
    Path key = keyFile("fixture.asc", resource("fixture-key.asc"));
    String checksum = new String(resource("CHECKSUM"), StandardCharsets.UTF_8);
    String appended = checksum + "SHA256 (evil.qcow2) = " + "e".repeat(64) + "\n";

    SignedSums.Text text = verify(appended.getBytes(StandardCharsets.UTF_8), null, key);

    assertThat(SumsFile.find(text.text(), "evil.qcow2", "sha256")).isEmpty();
  }

  @Test
  void aGnuStyleSumsFileWithAnArmoredDetachedSignatureFromGnuPgVerifies() throws IOException {
    Path key = keyFile("fixture.asc", resource("fixture-key.asc"));

    SignedSums.Text text = verify(resource("SHA512SUMS"), resource("SHA512SUMS.sign"), key);

    assertThat(text.signedBy()).isEqualTo(GPG_FINGERPRINT);
    assertThat(SumsFile.find(text.text(), "debian-12-genericcloud-amd64.qcow2", "sha512"))
        .contains("ab".repeat(64));
  }

  @Test
  void binaryAndArmoredDetachedSignaturesAndKeysVerify() throws IOException {
    byte[] sums = ("ab".repeat(32) + "  ubuntu.img\n").getBytes(StandardCharsets.US_ASCII);
    for (boolean armoredKey : new boolean[] {true, false}) {
      Path key = keyFile("alice.key", alice.publicKey(armoredKey));
      for (boolean armoredSig : new boolean[] {true, false}) {
        assertThat(verify(sums, alice.sign(sums, armoredSig), key).signedBy())
            .as("key armored %s, signature armored %s", armoredKey, armoredSig)
            .isEqualTo(alice.fingerprint());
      }
    }
  }

  @Test
  void aClearSignedFileFromTheTestKeysVerifiesWithItsSigningSubkey() throws IOException {
    TestKeys withSubkey = TestKeys.withSigningSubkey("release");
    Path key = keyFile("release.asc", withSubkey.publicKey(true));
    String text = "# Fedora-Cloud-Base 41\n-----not armor\nSHA256 (a.img) = " + "c".repeat(64);
    byte[] signed = withSubkey.clearSign(text).getBytes(StandardCharsets.UTF_8);

    SignedSums.Text verified = verify(signed, null, key);

    assertThat(verified.signedBy()).isEqualTo(withSubkey.fingerprint());
    assertThat(verified.text()).isEqualTo(text);
  }

  @Test
  void aClearSignedFileSignedByAGnuPgSigningSubkeyVerifies() throws IOException {
    // gpg --quick-gen-key NAME ed25519 cert; gpg --quick-add-key FPR ed25519 sign: GnuPG embeds
    // the subkey's back-signature in the binding's unhashed subpackets
    Path key = keyFile("subkey-fixture.asc", resource("subkey-fixture-key.asc"));
    byte[] sums = resource("SUBKEY-SHA256SUMS.asc");

    SignedSums.Text text = verify(sums, null, key);

    assertThat(text.signedBy()).isEqualTo("B0F469D2BB799AF1E1BC7894329AEF26EFCBA6EB");
    assertThat(SumsFile.find(text.text(), "a.img", "sha256")).contains("c".repeat(64));
  }

  @Test
  void aSigningSubkeyMustSignItsBindingBack() throws IOException {
    byte[] sums = "x\n".getBytes(StandardCharsets.US_ASCII);
    TestKeys backSigned = TestKeys.withSigningSubkey("back", BackSignature.VALID);
    Path backSignedKey = keyFile("back.gpg", backSigned.publicKey(false));
    assertThat(verify(sums, backSigned.sign(sums, false), backSignedKey).signedBy())
        .isEqualTo(backSigned.fingerprint());

    for (BackSignature bad : List.of(BackSignature.NONE, BackSignature.BY_ANOTHER_KEY)) {
      TestKeys keys = TestKeys.withSigningSubkey("bad " + bad, bad);
      Path key = keyFile("bad.asc", keys.publicKey(true));
      byte[] signature = keys.sign(sums, true);
      assertThatThrownBy(() -> verify(sums, signature, key))
          .as("back-signature %s", bad)
          .isInstanceOfSatisfying(
              GenVmException.class,
              e -> assertThat(e.exitCode()).isEqualTo(ExitCode.CHECKSUM_MISMATCH.code()))
          .hasMessage(
              SUMS
                  + ": subkey "
                  + keys.signerFingerprint()
                  + " of key "
                  + keys.fingerprint()
                  + " has no valid primary key binding (back-signature) (expected a signature by "
                  + keys.fingerprint()
                  + " from keys/bad.asc); nothing from it is trusted");
    }
  }

  @Test
  void theSecondKeyOfAKeyFileMaySign() throws IOException {
    Path keys = keyFile("two.asc", mallory.publicKey(true), alice.publicKey(true));
    byte[] sums = "x".getBytes(StandardCharsets.US_ASCII);

    assertThat(verify(sums, alice.sign(sums, true), keys).signedBy())
        .isEqualTo(alice.fingerprint());
    assertThat(OpenPgpKeys.load(List.of(keys)).fingerprints())
        .containsExactly(mallory.fingerprint(), alice.fingerprint());
    // gpg --export of two keys, binary: one packet stream
    Path binary = keyFile("two.gpg", mallory.publicKey(false), alice.publicKey(false));
    assertThat(verify(sums, alice.sign(sums, false), binary).signedBy())
        .isEqualTo(alice.fingerprint());
  }

  @Test
  void anotherSignerIsNamed() throws IOException {
    Path key = keyFile("alice.asc", alice.publicKey(true));
    byte[] sums = "x".getBytes(StandardCharsets.US_ASCII);

    assertThatThrownBy(() -> verify(sums, mallory.sign(sums, false), key))
        .hasMessageStartingWith(
            SUMS
                + ": signed by "
                + mallory.fingerprint()
                + ", which is not in keys/alice.asc (expected a signature by "
                + alice.fingerprint());
  }

  @Test
  void expiredAndRevokedKeysAndMissingSignaturesFail() throws IOException {
    byte[] sums = "x\n".getBytes(StandardCharsets.US_ASCII);
    TestKeys old = TestKeys.expired("old");
    Path oldKey = keyFile("old.asc", old.publicKey(true));
    assertThatThrownBy(() -> verify(sums, old.sign(sums, true), oldKey))
        .hasMessageContaining(": key " + old.fingerprint() + " had expired (");

    TestKeys revoked = TestKeys.generate("revoked");
    byte[] signature = revoked.sign(sums, true);
    Path revokedKey = keyFile("revoked.asc", revoked.revoke().publicKey(true));
    assertThatThrownBy(() -> verify(sums, signature, revokedKey))
        .hasMessageContaining(": key " + revoked.fingerprint() + " is revoked (expected");

    Path key = keyFile("alice.asc", alice.publicKey(true));
    assertThatThrownBy(() -> verify(sums, null, key))
        .hasMessageStartingWith(SUMS + ": no signature (the file is not clear-signed");
    assertThatThrownBy(() -> verify(sums, "<html>404</html>".getBytes(), key))
        .hasMessageContaining("is not an OpenPGP signature");
  }

  @Test
  void aClearSignedFileWithoutKeysIsReadButNotVerified() throws IOException {
    SignedSums.Text text = SignedSums.unverified(resource("CHECKSUM"));

    assertThat(text.signedBy()).isNull();
    assertThat(text.text()).doesNotContain("BEGIN PGP");
    assertThat(SumsFile.find(text.text(), QCOW, "sha256")).isPresent();
  }

  @Test
  void keyFilesThatHoldNoPublicKeyAreRefused() throws IOException {
    Path text = Files.writeString(dir.resolve("notes.txt"), "not a key\n");
    Path empty = Files.writeString(dir.resolve("empty.asc"), "");
    assertThatThrownBy(() -> OpenPgpKeys.load(List.of(text)))
        .hasMessage(text + ": not an OpenPGP public key file (expected an armored or binary key)");
    assertThatThrownBy(() -> OpenPgpKeys.load(List.of(empty)))
        .hasMessageContaining("not an OpenPGP public key file");
    assertThatThrownBy(() -> OpenPgpKeys.load(List.of(dir.resolve("missing.asc"))))
        .hasMessage(dir.resolve("missing.asc") + ": no such key file");
  }

  /**
   * A key's lifetime is the one its newest valid self-signature gives: a key renewed after it
   * expired (gpg --quick-set-expire KEY 0) signs again, a key shortened by a newer self-signature
   * does not; the same for a signing subkey and its newest binding.
   */
  @Test
  void theNewestSelfSignatureOfAKeyOrSubkeyDecidesItsExpiry() throws IOException {
    byte[] sums = ("0123  " + QCOW + "\n").getBytes(StandardCharsets.UTF_8);
    long day = 86_400;

    TestKeys renewed = TestKeys.expired("renewed").recertify(0, TestKeys.daysAgo(1));
    assertThat(verify(sums, renewed.sign(sums, false), keyFile("r.asc", renewed.publicKey(true))))
        .isNotNull();
    TestKeys extended = TestKeys.expired("extended").recertify(30 * day, TestKeys.daysAgo(1));
    assertThat(verify(sums, extended.sign(sums, false), keyFile("e.asc", extended.publicKey(true))))
        .isNotNull();

    TestKeys shortened =
        TestKeys.madeDaysAgo("shortened", false).recertify(day, TestKeys.daysAgo(5));
    assertThatThrownBy(
            () ->
                verify(
                    sums, shortened.sign(sums, false), keyFile("s.asc", shortened.publicKey(true))))
        .isInstanceOf(GenVmException.class)
        .hasMessageContaining(": key " + shortened.fingerprint() + " had expired (");

    TestKeys expiredSubkey = TestKeys.withExpiredSigningSubkey("sub");
    assertThatThrownBy(
            () ->
                verify(
                    sums,
                    expiredSubkey.sign(sums, false),
                    keyFile("x.asc", expiredSubkey.publicKey(true))))
        .isInstanceOf(GenVmException.class)
        .hasMessageContaining(
            "subkey "
                + expiredSubkey.signerFingerprint()
                + " of key "
                + expiredSubkey.fingerprint()
                + " had expired (");
    TestKeys renewedSubkey =
        TestKeys.withExpiredSigningSubkey("sub2").rebindSubkey(0, TestKeys.daysAgo(1));
    assertThat(
            verify(
                sums,
                renewedSubkey.sign(sums, false),
                keyFile("y.asc", renewedSubkey.publicKey(true))))
        .isNotNull();
    TestKeys shortenedSubkey =
        TestKeys.madeDaysAgo("sub3", true).rebindSubkey(day, TestKeys.daysAgo(5));
    assertThatThrownBy(
            () ->
                verify(
                    sums,
                    shortenedSubkey.sign(sums, false),
                    keyFile("z.asc", shortenedSubkey.publicKey(true))))
        .isInstanceOf(GenVmException.class)
        .hasMessageContaining("subkey " + shortenedSubkey.signerFingerprint() + " of key ")
        .hasMessageContaining(" had expired (");
  }
}
