package org.genvmimage.download;

import java.io.IOException;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Sink} that adds every byte it takes to a counter: the bytes received over the network by
 * a fetch, across its attempts and mirrors, including the bytes of a mirror that failed part way
 * (which the next one resumes after) and of a restart from the first byte.
 */
final class CountingSink implements Sink {
  private final Sink sink;
  private final AtomicLong received;

  CountingSink(Sink sink, AtomicLong received) {
    this.sink = sink;
    this.received = received;
  }

  @Override
  public long size() {
    return sink.size();
  }

  @Override
  public boolean resumable() {
    return sink.resumable();
  }

  @Override
  public String ifRange(URI uri) {
    return sink.ifRange(uri);
  }

  @Override
  public long knownTotal() {
    return sink.knownTotal();
  }

  @Override
  public void restart(PartInfo info) throws IOException {
    sink.restart(info);
  }

  @Override
  public void accept(ByteBuffer buffer) throws IOException {
    int bytes = buffer.remaining();
    sink.accept(buffer);
    received.addAndGet(bytes); // it takes them all
  }

  @Override
  public void flush() throws IOException {
    sink.flush();
  }
}
