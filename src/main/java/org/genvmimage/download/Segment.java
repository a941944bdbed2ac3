package org.genvmimage.download;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One part of a download in parts: the bytes {@code [start, end)} of the file, fetched by one
 * connection at a time and written at their offset. {@link #written()} only grows, and only after
 * the bytes reached the file, so any thread may read the file up to {@link #position()}.
 */
final class Segment {
  /** No part is smaller than this (1 MiB): a smaller one costs more in requests than it saves. */
  static final long MIN_BYTES = 1 << 20;

  final int index;
  final long start;
  final long end;
  private final AtomicLong written = new AtomicLong();

  Segment(int index, long start, long end) {
    this.index = index;
    this.start = start;
    this.end = end;
  }

  /**
   * Splits {@code [from, total)} into at most {@code connections} parts of nearly equal size, each
   * at least {@link #MIN_BYTES} (one part when the range is smaller than two of those).
   */
  static List<Segment> plan(long from, long total, int connections) {
    long length = total - from;
    int n = (int) Math.max(1, Math.min(connections, length / MIN_BYTES));
    long each = (length + n - 1) / n;
    List<Segment> parts = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      long start = from + i * each;
      parts.add(new Segment(i, start, Math.min(total, start + each)));
    }
    return parts;
  }

  /** The bytes of this part that reached the file. */
  long written() {
    return written.get();
  }

  /** Where the next byte of this part goes. */
  long position() {
    return start + written.get();
  }

  /** The bytes still to fetch. */
  long remaining() {
    return end - position();
  }

  boolean done() {
    return position() >= end;
  }

  /** Counts {@code n} more bytes as written (after they reached the file). */
  void advance(long n) {
    written.addAndGet(n);
  }

  @Override
  public String toString() {
    return "part " + (index + 1) + " (bytes " + start + "-" + (end - 1) + ")";
  }
}
