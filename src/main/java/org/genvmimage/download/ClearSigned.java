package org.genvmimage.download;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bouncycastle.bcpg.ArmoredInputStream;
import org.bouncycastle.openpgp.PGPSignature;

/**
 * An OpenPGP clear-signed message (RFC 4880, section 7), as Fedora's {@code CHECKSUM} and
 * AlmaLinux's {@code CHECKSUM.asc} are: the signed text, dash-unescaped, and its signatures.
 *
 * @param text the signed text with {@code \n} line ends, trailing whitespace removed: what is read
 * @param canonical the signed text as it is signed: lines without trailing spaces and tabs, joined
 *     by CR LF, without the line end before the signature's armor
 * @param signatures the signatures that follow the text (empty when they cannot be read)
 */
record ClearSigned(String text, byte[] canonical, List<PGPSignature> signatures) {
  static final String HEADER = "-----BEGIN PGP SIGNED MESSAGE-----";

  /** Whether {@code bytes} is a clear-signed message (after leading white space). */
  static boolean isClearSigned(byte[] bytes) {
    return start(bytes) >= 0;
  }

  /**
   * The parts of a clear-signed message.
   *
   * @throws IOException when it is not one, or its armor is broken
   */
  static ClearSigned parse(byte[] bytes) throws IOException {
    int start = start(bytes);
    if (start < 0) {
      throw new IOException("not a clear-signed message");
    }
    ByteArrayOutputStream clear = new ByteArrayOutputStream();
    List<PGPSignature> signatures = List.of();
    try (ArmoredInputStream in =
        new ArmoredInputStream(new ByteArrayInputStream(bytes, start, bytes.length - start))) {
      if (!in.isClearText()) {
        throw new IOException("not a clear-signed message");
      }
      int c;
      // The stream returns the text dash-unescaped while isClearText(); the byte read as it turns
      // false belongs to the signature's armor line, not to the text.
      while ((c = in.read()) >= 0 && in.isClearText()) {
        clear.write(c);
      }
      if (c >= 0) {
        signatures = DetachedSignatures.read(in);
      }
    }
    List<String> lines = lines(clear.toByteArray());
    return new ClearSigned(
        String.join("\n", lines),
        String.join("\r\n", lines).getBytes(StandardCharsets.UTF_8),
        signatures);
  }

  /**
   * The lines of the signed text, without the line end that precedes the signature's armor, each
   * without trailing spaces and tabs (they are not signed).
   */
  private static List<String> lines(byte[] raw) {
    int end = raw.length;
    if (end > 0 && raw[end - 1] == '\n') {
      end--;
    }
    if (end > 0 && raw[end - 1] == '\r') {
      end--;
    }
    String text = new String(raw, 0, end, StandardCharsets.UTF_8);
    List<String> lines = new ArrayList<>();
    for (String line : text.split("\r\n|\n|\r", -1)) {
      int length = line.length();
      while (length > 0 && (line.charAt(length - 1) == ' ' || line.charAt(length - 1) == '\t')) {
        length--;
      }
      lines.add(line.substring(0, length));
    }
    return lines;
  }

  private static int start(byte[] bytes) {
    int i = 0;
    if (bytes.length >= 3 && (bytes[0] & 0xff) == 0xef && (bytes[1] & 0xff) == 0xbb) {
      i = 3; // a UTF-8 byte order mark
    }
    while (i < bytes.length && Character.isWhitespace(bytes[i])) {
      i++;
    }
    byte[] header = HEADER.getBytes(StandardCharsets.US_ASCII);
    if (bytes.length - i < header.length) {
      return -1;
    }
    for (int k = 0; k < header.length; k++) {
      if (bytes[i + k] != header[k]) {
        return -1;
      }
    }
    return i;
  }
}
