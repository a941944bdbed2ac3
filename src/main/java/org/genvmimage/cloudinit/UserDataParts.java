package org.genvmimage.cloudinit;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Base64;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Adds a part of our own to the user's user data without changing what the user's part does: the
 * result is a MIME multipart message, which cloud-init reads part by part, each as if it were the
 * whole user data.
 *
 * <p>The user's user data is read as cloud-init's {@code convert_string} reads it: gzip data is
 * decompressed first; a {@code MIME-Version:} header in the first 4096 bytes makes it a MIME
 * message, which goes in whole as a nested part (cloud-init walks nested multiparts, and the
 * message's own headers become the part's headers); anything else (cloud-config, a script, {@code
 * #include}, a boothook, a Jinja template, a cloud-config archive, ...) goes in byte for byte as
 * {@code text/x-not-multipart}, the type cloud-init gives non-MIME user data, so that it finds the
 * part's type from its first line as before: as it is when it is plain ASCII text, else
 * base64-encoded (a MIME part of 8-bit text does not reach cloud-init byte for byte). Empty user
 * data adds no part.
 */
public final class UserDataParts {
  private static final int MIME_SCAN_BYTES = 4096;

  private UserDataParts() {}

  /**
   * The user data with {@code part} added after the user's own.
   *
   * @param userData the user's user data as given (may be gzip data)
   * @param contentType the added part's MIME type, e.g. {@code text/x-shellscript}
   * @param filename the added part's file name (cloud-init runs scripts in file name order)
   * @param part the added part's content, ASCII text
   * @param boundary a MIME boundary that occurs in neither
   * @throws IllegalArgumentException when the boundary occurs in the user data, or gzip user data
   *     is larger than {@code maxBytes} when decompressed
   */
  public static byte[] withPart(
      byte[] userData,
      String contentType,
      String filename,
      String part,
      String boundary,
      int maxBytes) {
    byte[] plain = gunzip(userData, maxBytes);
    String user = new String(plain, UTF_8);
    if (user.contains(boundary) || part.contains(boundary)) {
      throw new IllegalArgumentException("the MIME boundary occurs in the user data");
    }
    StringBuilder m = new StringBuilder();
    m.append("Content-Type: multipart/mixed; boundary=\"").append(boundary).append("\"\n");
    m.append("MIME-Version: 1.0\n\n");
    if (!user.isBlank()) {
      m.append("--").append(boundary).append('\n');
      if (isMime(plain)) {
        m.append(withoutUnixFrom(user)).append('\n');
      } else if (isPlainAscii(plain)) {
        m.append("Content-Type: text/x-not-multipart; charset=\"us-ascii\"\n");
        m.append("MIME-Version: 1.0\n");
        m.append("Content-Transfer-Encoding: 7bit\n\n");
        m.append(user).append('\n'); // the line break before a boundary is the boundary's
      } else {
        m.append("Content-Type: text/x-not-multipart; charset=\"utf-8\"\n");
        m.append("MIME-Version: 1.0\n");
        m.append("Content-Transfer-Encoding: base64\n\n");
        m.append(Base64.getMimeEncoder(76, "\n".getBytes(US_ASCII)).encodeToString(plain));
        m.append('\n');
      }
    }
    m.append("--").append(boundary).append('\n');
    m.append("Content-Type: ").append(contentType).append("; charset=\"us-ascii\"\n");
    m.append("MIME-Version: 1.0\n");
    m.append("Content-Transfer-Encoding: 7bit\n");
    m.append("Content-Disposition: attachment; filename=\"").append(filename).append("\"\n\n");
    m.append(part).append('\n');
    m.append("--").append(boundary).append("--\n");
    return m.toString().getBytes(UTF_8);
  }

  /** Printable ASCII, tabs and LF line breaks only: safe as a 7bit part, byte for byte. */
  private static boolean isPlainAscii(byte[] bytes) {
    for (byte b : bytes) {
      if (b < 0x20 ? b != '\n' && b != '\t' : b == 0x7f) {
        return false;
      }
    }
    return true;
  }

  /** Whether cloud-init reads these (decompressed) bytes as a MIME message. */
  static boolean isMime(byte[] plain) {
    int n = Math.min(plain.length, MIME_SCAN_BYTES);
    return new String(plain, 0, n, US_ASCII).toLowerCase(Locale.ROOT).contains("mime-version:");
  }

  /**
   * The message without an mbox "From " line before its headers, which a nested part cannot have.
   */
  private static String withoutUnixFrom(String message) {
    if (message.startsWith("From ")) {
      int eol = message.indexOf('\n');
      return eol < 0 ? "" : message.substring(eol + 1);
    }
    return message;
  }

  /** The bytes, decompressed when they are gzip data (as cloud-init does). */
  static byte[] gunzip(byte[] bytes, int maxBytes) {
    if (bytes.length < 2 || (bytes[0] & 0xff) != 0x1f || (bytes[1] & 0xff) != 0x8b) {
      return bytes;
    }
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buffer = new byte[8192];
      for (int n; (n = in.read(buffer)) > 0; ) {
        out.write(buffer, 0, n);
        if (out.size() > maxBytes) {
          throw new IllegalArgumentException(
              "the gzip user data is larger than " + maxBytes + " bytes when decompressed");
        }
      }
      return out.toByteArray();
    } catch (IOException e) {
      return bytes; // as cloud-init: data that does not decompress is taken as it is
    }
  }
}
