package org.genvmimage.download;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SumsFileTest {
  private static final String A = "a".repeat(64);
  private static final String B = "b".repeat(64);
  private static final String C = "c".repeat(128);

  @Test
  void gnuTextAndBinaryLines() {
    String text = A + "  debian-12-generic-amd64.raw\n" + B + " *debian-12-generic-amd64.qcow2\n";
    assertThat(SumsFile.find(text, "debian-12-generic-amd64.qcow2", "sha256")).contains(B);
    assertThat(SumsFile.find(text, "debian-12-generic-amd64.raw", "sha256")).contains(A);
    assertThat(SumsFile.find(text, "debian-12-generic-amd64.tar.xz", "sha256")).isEmpty();
  }

  @Test
  void upperCaseDigestsAndWindowsLineEndingsAndPathPrefixes() {
    String text = A.toUpperCase() + "  ./noble.img\r\n" + B + "  images/jammy.img\r\n";
    assertThat(SumsFile.find(text, "noble.img", "sha256")).contains(A);
    assertThat(SumsFile.find(text, "jammy.img", "sha256")).contains(B);
    assertThat(SumsFile.find(text, "images/jammy.img", "sha256")).contains(B);
    assertThat(SumsFile.find(text, "my.img", "sha256")).isEmpty(); // "jammy.img" is no match
  }

  @Test
  void theDigestLengthMustFitTheType() {
    String text = A + "  disk.img\n" + C + "  disk.img\n";
    assertThat(SumsFile.find(text, "disk.img", "sha512")).contains(C);
    assertThat(SumsFile.find(text, "disk.img", "sha256")).contains(A);
    assertThat(SumsFile.find(text, "disk.img", "sha1")).isEmpty();
  }

  @Test
  void escapedGnuNames() {
    String text = "\\" + A + "  back\\\\slash.img\n";
    assertThat(SumsFile.find(text, "back\\slash.img", "sha256")).contains(A);
  }

  @Test
  void signedBsdChecksumFileAsRockyAndFedoraPublish() {
    String text =
        "-----BEGIN PGP SIGNED MESSAGE-----\n"
            + "Hash: SHA256\n"
            + "\n"
            + "# Fedora-Cloud-Base-Generic-41-1.4.x86_64.qcow2: 123456 bytes\n"
            + "SHA256 (Fedora-Cloud-Base-Generic-41-1.4.x86_64.qcow2) = "
            + A
            + "\n"
            + "SHA512 (Fedora-Cloud-Base-Generic-41-1.4.x86_64.qcow2) = "
            + C
            + "\n"
            + "-----BEGIN PGP SIGNATURE-----\n"
            + "\n"
            + "iQIzBAEBCAAdFiEE"
            + B
            + "\n"
            + "-----END PGP SIGNATURE-----\n";
    String name = "Fedora-Cloud-Base-Generic-41-1.4.x86_64.qcow2";
    assertThat(SumsFile.find(text, name, "sha256")).contains(A);
    assertThat(SumsFile.find(text, name, "SHA512")).contains(C);
  }

  @Test
  void bsdTagMustNameTheType() {
    String text = "SHA3-256 (disk.img) = " + A + "\nSHA256 (disk.img) = " + B + "\n";
    assertThat(SumsFile.find(text, "disk.img", "sha256")).contains(B);
    assertThat(SumsFile.find(text, "disk.img", "sha3_256")).contains(A);
  }

  @Test
  void namesWithSpacesAndParentheses() {
    String text = "SHA256 (my disk (1).img) = " + A + "\n" + B + "  other disk.img\n";
    assertThat(SumsFile.find(text, "my disk (1).img", "sha256")).contains(A);
    assertThat(SumsFile.find(text, "other disk.img", "sha256")).contains(B);
  }

  @Test
  void ignoresNoise() {
    String text = "\n# comment " + A + "  disk.img\nnot a line\n" + B + "  disk.img\n";
    assertThat(SumsFile.find(text, "disk.img", "sha256")).contains(B);
    assertThat(SumsFile.find("", "disk.img", "sha256")).isEmpty();
  }
}
