package org.genvmimage.cloudinit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

class UserDataPartsTest {
  static final String B = "==b-0123==";
  static final String SCRIPT = "#!/bin/sh\necho reset\n";

  static String merge(byte[] userData) {
    return new String(
        UserDataParts.withPart(userData, "text/x-shellscript", "reset", SCRIPT, B, 1 << 20), UTF_8);
  }

  /** The parts of a multipart message with boundary B: each part's text, headers and body. */
  static List<String> parts(String message) {
    assertThat(message).startsWith("Content-Type: multipart/mixed; boundary=\"" + B + "\"\n");
    assertThat(message).contains("\nMIME-Version: 1.0\n\n");
    assertThat(message).endsWith("\n--" + B + "--\n");
    String body =
        message.substring(message.indexOf("\n\n") + 2, message.lastIndexOf("--" + B + "--"));
    List<String> parts = new ArrayList<>();
    for (String part : body.split("--" + B + "\n", -1)) {
      if (!part.isEmpty()) {
        parts.add(part);
      }
    }
    return parts;
  }

  /** The part's body as cloud-init sees it: the line break before the boundary is not in it. */
  static String body(String part) {
    String body = part.substring(part.indexOf("\n\n") + 2);
    assertThat(body).endsWith("\n");
    return body.substring(0, body.length() - 1);
  }

  static String decoded(String part) {
    return part.contains("Content-Transfer-Encoding: base64\n")
        ? new String(Base64.getMimeDecoder().decode(body(part).strip()), UTF_8)
        : body(part);
  }

  @Test
  void asciiCloudConfigGoesInAsItIsAsANotMultipartPartThatCloudInitTypesByItsFirstLine() {
    String user = "#cloud-config\nhostname: h\n";

    List<String> parts = parts(merge(user.getBytes(UTF_8)));

    assertThat(parts).hasSize(2);
    assertThat(parts.get(0))
        .isEqualTo(
            "Content-Type: text/x-not-multipart; charset=\"us-ascii\"\nMIME-Version: 1.0\n"
                + "Content-Transfer-Encoding: 7bit\n\n"
                + user
                + "\n");
    assertThat(body(parts.get(0))).isEqualTo(user);
  }

  @Test
  void nonAsciiUserDataGoesInBase64SoThatItsBytesArrive() {
    String user =
        "#cloud-config\nhostname: h\nwrite_files:\n  - path: /etc/x\n    content: \"é\\n\"\n";

    List<String> parts = parts(merge(user.getBytes(UTF_8)));

    assertThat(parts).hasSize(2);
    assertThat(parts.get(0))
        .startsWith("Content-Type: text/x-not-multipart; charset=\"utf-8\"\n")
        .contains("Content-Transfer-Encoding: base64\n");
    assertThat(decoded(parts.get(0))).isEqualTo(user);
    assertThat(parts.get(1))
        .startsWith("Content-Type: text/x-shellscript; charset=\"us-ascii\"\n")
        .contains("Content-Disposition: attachment; filename=\"reset\"\n");
    assertThat(body(parts.get(1))).isEqualTo(SCRIPT);
  }

  @Test
  void everyOtherFormatIsKeptByteForByte() {
    for (String user :
        List.of(
            "#!/bin/bash\necho hi\n",
            "#include\nhttp://127.0.0.1/x\n",
            "#cloud-boothook\n#!/bin/sh\necho early\n",
            "## template: jinja\n#cloud-config\nhostname: {{ v1.instance_id }}\n",
            "#cloud-config-archive\n- type: text/cloud-config\n  content: '{}'\n",
            "#!/bin/sh\r\necho crlf\r\n",
            "#!/bin/sh\necho no last line break")) {
      List<String> parts = parts(merge(user.getBytes(UTF_8)));
      assertThat(parts).hasSize(2);
      assertThat(decoded(parts.get(0))).isEqualTo(user);
    }
  }

  @Test
  void aMimeMessageIsNestedWithItsOwnHeaders() {
    String user =
        "Content-Type: multipart/mixed; boundary=\"u\"\nMIME-Version: 1.0\n\n--u\n"
            + "Content-Type: text/cloud-config\n\n#cloud-config\nhostname: h\n--u--\n";

    List<String> parts = parts(merge(user.getBytes(UTF_8)));

    assertThat(parts).hasSize(2);
    assertThat(parts.get(0)).isEqualTo(user + "\n");
    assertThat(body(parts.get(1))).isEqualTo(SCRIPT);
  }

  @Test
  void anMboxFromLineIsDroppedAndAMissingLastNewlineAdded() {
    String user =
        "From nobody Mon Jan  1 00:00:00 2024\nContent-Type: text/x-shellscript\n"
            + "MIME-Version: 1.0\n\n#!/bin/sh\ntrue";

    List<String> parts = parts(merge(user.getBytes(UTF_8)));

    assertThat(parts.get(0))
        .isEqualTo("Content-Type: text/x-shellscript\nMIME-Version: 1.0\n\n#!/bin/sh\ntrue\n");
  }

  @Test
  void gzipUserDataIsReadDecompressedAsCloudInitDoes() throws IOException {
    String user =
        "Content-Type: text/cloud-config\nMIME-Version: 1.0\n\n#cloud-config\nhostname: z\n";
    ByteArrayOutputStream zipped = new ByteArrayOutputStream();
    try (GZIPOutputStream out = new GZIPOutputStream(zipped)) {
      out.write(user.getBytes(UTF_8));
    }

    List<String> parts = parts(merge(zipped.toByteArray()));

    assertThat(parts.get(0)).isEqualTo(user + "\n");
  }

  @Test
  void emptyUserDataAddsOnlyThePart() {
    List<String> parts = parts(merge(" \n".getBytes(UTF_8)));

    assertThat(parts).hasSize(1);
    assertThat(body(parts.get(0))).isEqualTo(SCRIPT);
  }

  @Test
  void aBoundaryInTheUserDataIsRefused() {
    assertThatThrownBy(() -> merge(("#cloud-config\n# " + B + "\n").getBytes(UTF_8)))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void mimeIsRecognisedAsCloudInitDoesInTheFirst4096Bytes() {
    assertThat(UserDataParts.isMime("x\nmime-VERSION: 1.0\n".getBytes(UTF_8))).isTrue();
    byte[] late = ("#cloud-config\n#" + "x".repeat(5000) + "\nMIME-Version: 1.0\n").getBytes(UTF_8);
    assertThat(UserDataParts.isMime(late)).isFalse();
  }
}
