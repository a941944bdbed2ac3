package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.genvmimage.cli.CliRun.Result;
import org.genvmimage.core.ExitCode;
import org.genvmimage.download.TestHttpServer;
import org.genvmimage.testing.TestImages;
import org.genvmimage.testing.TestKeys;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * gen-vm-image with signed sums files (checksum.signed_by), end to end over the loopback server:
 * sums files modelled on Debian's SHA512SUMS + SHA512SUMS.sign, Ubuntu's SHA256SUMS +
 * SHA256SUMS.gpg and Fedora's clear-signed CHECKSUM, with throwaway keys. A failure exits 5 with
 * one line, downloads no image and leaves the output as it was.
 */
class GenVmImageSignatureTest {
  static final String DEBIAN = "debian-12-genericcloud-amd64.qcow2";
  static final String FEDORA = "Fedora-Cloud-Base-Generic-41-1.4.x86_64.qcow2";

  static TestKeys debian;
  static TestKeys other;
  static byte[] image;

  @TempDir Path dir;
  TestHttpServer server;
  Path cache;
  Path output;
  Path keys;

  @BeforeAll
  static void keysAndImage(@TempDir Path tmp) throws IOException {
    debian = TestKeys.generate("debian cloud");
    other = TestKeys.generate("someone else");
    image = Files.readAllBytes(TestImages.qcow2(tmp, "base.qcow2", 1024 * 1024, 3, "1.1"));
  }

  @BeforeEach
  void start() throws IOException {
    server = TestHttpServer.start();
    server.serve("/debian/" + DEBIAN, image);
    server.serve("/fedora/" + FEDORA, image);
    cache = dir.resolve("cache");
    output = dir.resolve("out/image.qcow2");
    Files.createDirectories(output.getParent());
    Files.writeString(output, "the image of an earlier run");
    keys = Files.createDirectories(dir.resolve("keys"));
    Files.write(keys.resolve("debian-cloud.asc"), debian.publicKey(true));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  /** Debian's SHA512SUMS: GNU lines for several files. */
  byte[] sha512sums() {
    return (sha512("other")
            + "  debian-12-genericcloud-amd64.raw\n"
            + sha512(image)
            + "  "
            + DEBIAN
            + "\n")
        .getBytes(StandardCharsets.US_ASCII);
  }

  /** Fedora's CHECKSUM: '#' comment lines and BSD-style lines, clear-signed. */
  String fedoraChecksum() {
    return "# Fedora-Cloud-Base-Generic-41-1.4.x86_64.qcow2: "
        + image.length
        + " bytes\nSHA256 ("
        + FEDORA
        + ") = "
        + TestHttpServer.sha256(image)
        + "\n# Fedora-Cloud-Base-Generic-41-1.4.x86_64.raw.xz: 1 bytes\nSHA256 (x.raw.xz) = "
        + "0".repeat(64)
        + "\n";
  }

  static String sha512(Object content) {
    try {
      byte[] bytes =
          content instanceof byte[] b ? b : content.toString().getBytes(StandardCharsets.UTF_8);
      return java.util.HexFormat.of()
          .formatHex(java.security.MessageDigest.getInstance("SHA-512").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  Path architecture(String type, String sums, String extra) throws IOException {
    String path = type.equals("sha512") ? "/debian/" + DEBIAN : "/fedora/" + FEDORA;
    String yaml =
        "owner: t\nimages:\n  img:\n    name: img\n    version: 1\n    get_url: "
            + server.uri(path)
            + "\n    checksum:\n      type: "
            + type
            + "\n      value: file:"
            + server.uri(sums)
            + "\n"
            + extra
            + "    size: 8M\n";
    return Files.writeString(dir.resolve("architecture.yml"), yaml);
  }

  Result run(Path arch, String... more) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "--retries",
                "1",
                "--cache-dir",
                cache.toString(),
                "--architecture-path",
                arch.toString(),
                "--image-output-path",
                output.toString(),
                "--overwrite"));
    args.addAll(List.of(more));
    return CliRun.gen(args.toArray(String[]::new));
  }

  /** Exit 5, one line on stderr with the message, no image requested, the output as it was. */
  void assertRefused(Result r, String message) throws IOException {
    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.CHECKSUM_MISMATCH.code());
    List<String> lines =
        r.err().lines().filter(l -> l.contains("nothing from it is trusted")).toList();
    assertThat(lines).hasSize(1);
    assertThat(lines.get(0)).contains(message);
    assertThat(server.requests("/debian/" + DEBIAN)).isEmpty();
    assertThat(server.requests("/fedora/" + FEDORA)).isEmpty();
    assertThat(Files.readString(output)).isEqualTo("the image of an earlier run");
    assertThat(TestImages.listFiles(output.getParent())).containsExactly("image.qcow2");
  }

  String signedBy(String... files) {
    StringBuilder yaml = new StringBuilder("      signed_by:\n");
    for (String f : files) {
      yaml.append("        - ").append(f).append('\n');
    }
    return yaml.toString();
  }

  @Test
  void aDetachedBinarySignatureVerifiesAndTheReportNamesTheKey() throws Exception {
    byte[] sums = sha512sums();
    server.serve("/debian/SHA512SUMS", sums);
    server.serve("/debian/SHA512SUMS.sign", debian.sign(sums, false));
    Path arch =
        architecture(
            "sha512",
            "/debian/SHA512SUMS",
            "      signature: "
                + server.uri("/debian/SHA512SUMS.sign")
                + "\n"
                + "      signed_by: keys/debian-cloud.asc\n");

    Result r = run(arch, "--output", "json");

    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode checksum = r.json().path("images").get(0).path("checksum");
    assertThat(checksum.path("signed_by").asText()).isEqualTo(debian.fingerprint());
    assertThat(checksum.path("value").asText()).isEqualTo(sha512(image));
    assertThat(server.requests("/debian/" + DEBIAN)).hasSize(1);
  }

  @Test
  void anArmoredDetachedSignatureAndAClearSignedChecksumVerifyInADryRun() throws Exception {
    byte[] sums = sha512sums();
    server.serve("/debian/SHA512SUMS", sums);
    server.serve("/debian/SHA512SUMS.sign", debian.sign(sums, true));
    Path arch =
        architecture(
            "sha512",
            "/debian/SHA512SUMS",
            "      signature: "
                + server.uri("/debian/SHA512SUMS.sign")
                + "\n"
                + signedBy("keys/debian-cloud.asc"));

    Result text = run(arch, "--dry-run");
    assertThat(text.exit()).as(text.err()).isZero();
    assertThat(text.out())
        .contains(
            "  signed    by " + debian.fingerprint() + " (the sums file's signature verified)");

    server.serve(
        "/fedora/CHECKSUM", debian.clearSign(fedoraChecksum()).getBytes(StandardCharsets.UTF_8));
    Path fedora = architecture("sha256", "/fedora/CHECKSUM", signedBy("keys/debian-cloud.asc"));
    Result json = run(fedora, "--dry-run", "--output", "json");
    assertThat(json.exit()).as(json.err()).isZero();
    JsonNode checksum = json.json().path("images").get(0).path("checksum");
    assertThat(checksum.path("signed_by").asText()).isEqualTo(debian.fingerprint());
    assertThat(checksum.path("value").asText()).isEqualTo(TestHttpServer.sha256(image));
    assertThat(server.requests("/fedora/" + FEDORA)).isEmpty();
    assertThat(cache).doesNotExist();
  }

  @Test
  void aClearSignedChecksumWithoutKeysIsReadButNotClaimedVerified() throws Exception {
    server.serve(
        "/fedora/CHECKSUM", debian.clearSign(fedoraChecksum()).getBytes(StandardCharsets.UTF_8));
    Result r = run(architecture("sha256", "/fedora/CHECKSUM", ""), "--dry-run", "--output", "json");

    assertThat(r.exit()).as(r.err()).isZero();
    JsonNode checksum = r.json().path("images").get(0).path("checksum");
    assertThat(checksum.path("value").asText()).isEqualTo(TestHttpServer.sha256(image));
    assertThat(checksum.path("signed_by").isNull()).isTrue();
  }

  @Test
  void theSecondKeyOfAKeyFileMaySign() throws Exception {
    Files.write(keys.resolve("both.asc"), other.publicKey(true));
    Files.write(
        keys.resolve("both.asc"), debian.publicKey(true), java.nio.file.StandardOpenOption.APPEND);
    byte[] sums = sha512sums();
    server.serve("/debian/SHA256SUMS", sums);
    server.serve("/debian/SHA256SUMS.gpg", debian.sign(sums, false));
    Path arch =
        architecture(
            "sha512",
            "/debian/SHA256SUMS",
            "      signature: "
                + server.uri("/debian/SHA256SUMS.gpg")
                + "\n"
                + signedBy("keys/both.asc"));

    Result r = run(arch, "--dry-run", "--output", "json");

    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.json().path("images").get(0).path("checksum").path("signed_by").asText())
        .isEqualTo(debian.fingerprint());
  }

  @Test
  void anotherSignerIsRefused() throws Exception {
    byte[] sums = sha512sums();
    server.serve("/debian/SHA512SUMS", sums);
    server.serve("/debian/SHA512SUMS.sign", other.sign(sums, true));
    Path arch =
        architecture(
            "sha512",
            "/debian/SHA512SUMS",
            "      signature: "
                + server.uri("/debian/SHA512SUMS.sign")
                + "\n"
                + signedBy("keys/debian-cloud.asc"));

    Result plan = run(arch, "--dry-run");
    assertThat(plan.exit()).as(plan.err()).isEqualTo(ExitCode.CHECKSUM_MISMATCH.code());
    assertThat(plan.out()).contains("which is not in keys/debian-cloud.asc");
    assertRefused(
        run(arch),
        server.uri("/debian/SHA512SUMS")
            + ": signed by "
            + other.fingerprint()
            + ", which is not in keys/debian-cloud.asc (expected a signature by "
            + debian.fingerprint()
            + " from keys/debian-cloud.asc); nothing from it is trusted");
  }

  @Test
  void aSumsFileChangedAfterSigningIsRefused() throws Exception {
    byte[] sums = sha512sums();
    server.serve("/debian/SHA512SUMS.sign", debian.sign(sums, true));
    sums[3] ^= 1;
    server.serve("/debian/SHA512SUMS", sums);
    Path arch =
        architecture(
            "sha512",
            "/debian/SHA512SUMS",
            "      signature: "
                + server.uri("/debian/SHA512SUMS.sign")
                + "\n"
                + signedBy("keys/debian-cloud.asc"));

    assertRefused(
        run(arch), ": the signature by " + debian.fingerprint() + " does not match the content");
  }

  @Test
  void aTamperedClearSignedChecksumIsRefused() throws Exception {
    String signed = debian.clearSign(fedoraChecksum());
    String tampered = signed.replace("SHA256 (x.raw.xz) = 0000", "SHA256 (x.raw.xz) = 1000");
    assertThat(tampered).isNotEqualTo(signed);
    server.serve("/fedora/CHECKSUM", tampered.getBytes(StandardCharsets.UTF_8));

    assertRefused(
        run(architecture("sha256", "/fedora/CHECKSUM", signedBy("keys/debian-cloud.asc"))),
        "does not match the content");
  }

  @Test
  void aMissingSignatureIsRefused() throws Exception {
    server.serve("/debian/SHA512SUMS", sha512sums());
    server.status("/debian/SHA512SUMS.sign", 404);
    Path withUrl =
        architecture(
            "sha512",
            "/debian/SHA512SUMS",
            "      signature: "
                + server.uri("/debian/SHA512SUMS.sign")
                + "\n"
                + signedBy("keys/debian-cloud.asc"));
    assertRefused(
        run(withUrl),
        ": no signature: " + server.uri("/debian/SHA512SUMS.sign") + ": HTTP 404 Not Found");

    Path without = architecture("sha512", "/debian/SHA512SUMS", signedBy("keys/debian-cloud.asc"));
    assertRefused(run(without), ": no signature (the file is not clear-signed");
  }

  @Test
  void expiredAndRevokedKeysAreRefused() throws Exception {
    TestKeys expired = TestKeys.expired("old");
    TestKeys revoked = TestKeys.generate("revoked");
    for (TestKeys key : List.of(expired, revoked)) {
      byte[] sums = sha512sums();
      server.serve("/debian/SHA512SUMS", sums);
      server.serve("/debian/SHA512SUMS.sign", key.sign(sums, false));
      byte[] publicKey = key == revoked ? key.revoke().publicKey(true) : key.publicKey(true);
      Files.write(keys.resolve("key.asc"), publicKey);
      Path arch =
          architecture(
              "sha512",
              "/debian/SHA512SUMS",
              "      signature: "
                  + server.uri("/debian/SHA512SUMS.sign")
                  + "\n"
                  + signedBy("keys/key.asc"));

      assertRefused(
          run(arch),
          ": key " + key.fingerprint() + (key == revoked ? " is revoked" : " had expired ("));
    }
  }

  @Test
  void requireSignaturesRefusesEveryImageWithoutKeysBeforeAnyFetch() throws Exception {
    server.serve("/debian/SHA512SUMS", sha512sums());
    Path arch = architecture("sha512", "/debian/SHA512SUMS", "");

    Result r = run(arch, "--require-signatures");

    assertThat(r.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(r.err())
        .contains(
            arch
                + ": --require-signatures: no checksum.signed_by for image img (give the public"
                + " keys that sign its sums file)");
    assertThat(server.requests()).isEmpty();
    assertThat(Files.readString(output)).isEqualTo("the image of an earlier run");
  }

  @Test
  void signingFieldsAreCheckedWhenTheFileIsLoaded() throws Exception {
    Files.writeString(keys.resolve("notes.txt"), "not a key");
    String hex = "      type: sha256\n      value: " + "a".repeat(64) + "\n";
    String base =
        "owner: t\nimages:\n  img:\n    name: img\n    version: 1\n    get_url: https://e.org/a.img\n    checksum:\n";
    Path arch = dir.resolve("bad.yml");

    Files.writeString(
        arch, base + hex + "      signature: https://e.org/SUMS.sign\n    size: 8M\n");
    Result noKeys = run(arch);
    assertThat(noKeys.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(noKeys.err())
        .contains(arch + ":10:7: images.img.checksum.signature: a signature needs 'signed_by'");

    Files.writeString(arch, base + hex + "      signed_by: keys/debian-cloud.asc\n    size: 8M\n");
    assertThat(run(arch).err())
        .contains(arch + ":10:7: images.img.checksum.signed_by: only a sums file is signed");

    String sums = "      type: sha256\n      value: file:https://e.org/SUMS\n";
    Files.writeString(
        arch,
        base
            + sums
            + "      signed_by:\n        - keys/debian-cloud.asc\n        - keys/notes.txt\n        - keys/none.asc\n    size: 8M\n");
    Result bad = run(arch);
    assertThat(bad.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(bad.err())
        .contains(
            arch
                + ":12:11: images.img.checksum.signed_by[1]: "
                + keys.resolve("notes.txt")
                + ": not an OpenPGP public key file")
        .contains(
            arch
                + ":13:11: images.img.checksum.signed_by[2]: "
                + keys.resolve("none.asc")
                + ": no such key file");
  }
}
