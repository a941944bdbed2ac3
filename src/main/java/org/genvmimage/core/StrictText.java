package org.genvmimage.core;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.util.function.Function;

/** Strict decoding of a file's bytes: the text, or where the first byte that does not decode is. */
public final class StrictText {
  private StrictText() {}

  /**
   * The first byte that does not decode.
   *
   * @param line its line, from 1
   * @param column its column, from 1, counted in code points
   * @param value the byte, 0 to 255
   */
  public record BadByte(long line, int column, int value) {}

  /**
   * Decodes {@code bytes} from {@code offset} on, refusing malformed and unmappable input.
   *
   * @param failure makes the exception thrown at the first byte that does not decode
   */
  public static String decode(
      byte[] bytes,
      int offset,
      Charset charset,
      Function<BadByte, ? extends RuntimeException> failure) {
    CharsetDecoder decoder =
        charset
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    ByteBuffer in = ByteBuffer.wrap(bytes, offset, bytes.length - offset);
    CharBuffer out = CharBuffer.allocate(bytes.length);
    CoderResult result = decoder.decode(in, out, true);
    if (!result.isError()) {
      result = decoder.flush(out);
    }
    String text = out.flip().toString();
    if (result.isError()) {
      int lineStart = text.lastIndexOf('\n') + 1;
      long line = text.chars().filter(c -> c == '\n').count() + 1;
      int column = text.codePointCount(lineStart, text.length()) + 1;
      throw failure.apply(new BadByte(line, column, bytes[in.position()] & 0xff));
    }
    return text;
  }
}
