package org.genvmimage.download;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A parsed {@code Content-Range}; {@code start} and {@code end} are -1 in "bytes *&#47;n". */
record ContentRange(long start, long end, long total) {
  private static final Pattern RANGE =
      Pattern.compile("bytes\\s+(?:(\\d+)-(\\d+)|\\*)/(\\d+|\\*)", Pattern.CASE_INSENSITIVE);

  static ContentRange parse(String header) {
    if (header == null) {
      return null;
    }
    Matcher m = RANGE.matcher(header.trim());
    if (!m.matches()) {
      return null;
    }
    try {
      long start = m.group(1) == null ? -1 : Long.parseLong(m.group(1));
      long end = m.group(2) == null ? -1 : Long.parseLong(m.group(2));
      long total = "*".equals(m.group(3)) ? -1 : Long.parseLong(m.group(3));
      if (start > end || (total >= 0 && end >= total)) {
        return null;
      }
      return new ContentRange(start, end, total);
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
