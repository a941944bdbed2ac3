package org.genvmimage.download;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/**
 * A response body's way from the socket to the thread that hashes and writes it: a reader thread
 * fills a few large arrays straight from the socket and queues them (each as soon as it is full or
 * the socket has nothing more at hand); the consumer takes each off, uses it and hands it back. The
 * arrays are made once per body and reused, so the heap holds at most {@value #BUFFERS} of them
 * whatever the size of the body, and reading the next one overlaps with hashing and writing the
 * last.
 */
final class BodyReader {
  /** Arrays per body: one being read, one being hashed and written, one spare. */
  static final int BUFFERS = 3;

  /** A filled array; {@code length} bytes from its start are the body's. */
  record Chunk(byte[] bytes, int length) {}

  /** Marks the end of a body in the queue (compared by identity). */
  static final Chunk END = new Chunk(new byte[0], 0);

  private final int bufferSize;
  private final BlockingQueue<byte[]> free = new ArrayBlockingQueue<>(BUFFERS);
  private final BlockingQueue<Chunk> filled = new ArrayBlockingQueue<>(BUFFERS + 1);
  private int made;

  // Written by the reader thread, read by the consumer.
  private volatile Throwable error;
  private volatile long lastRead;

  BodyReader(int bufferSize) {
    this.bufferSize = bufferSize;
  }

  /** The next chunk, {@link #END}, or null when none came within {@code millis}. */
  Chunk poll(long millis) throws InterruptedException {
    return filled.poll(millis, TimeUnit.MILLISECONDS);
  }

  /** Hands a chunk's array back for the next read. */
  void recycle(Chunk chunk) {
    free.offer(chunk.bytes());
  }

  /** How the body failed, once {@link #END} was taken; null when it ended normally. */
  Throwable error() {
    return error;
  }

  /** When the last bytes arrived ({@link System#nanoTime}), or 0 before any. */
  long lastRead() {
    return lastRead;
  }

  /**
   * Reads {@code in} to its end into the queue, on the calling (reader) thread; ends with {@link
   * #END} whether the body ended or failed. Stops when the thread is interrupted or, after a read,
   * when {@code stop} says so.
   */
  void readAll(InputStream in, BooleanSupplier stop) {
    try {
      while (!stop.getAsBoolean()) {
        byte[] buffer = nextBuffer();
        int length = 0;
        int n = 0;
        while (length < buffer.length
            && (n = in.read(buffer, length, buffer.length - length)) > 0) {
          length += n;
          lastRead = System.nanoTime();
          if (in.available() <= 0) {
            break; // what came so far goes on now, so that a slow body still shows progress
          }
        }
        if (length > 0) {
          filled.put(new Chunk(buffer, length));
        } else {
          free.offer(buffer);
        }
        if (n < 0) {
          end(null);
          return;
        }
      }
      end(new IOException("aborted"));
    } catch (InterruptedException e) {
      end(new IOException("interrupted"));
    } catch (IOException | RuntimeException e) {
      end(e);
    }
  }

  /** Ends the queue with {@code failure} (null: the body ended normally). */
  void end(Throwable failure) {
    error = failure;
    while (!filled.offer(END)) {
      filled.poll(); // only when the consumer is gone: what it would not take can go
    }
  }

  private byte[] nextBuffer() throws InterruptedException {
    byte[] buffer = free.poll();
    if (buffer != null) {
      return buffer;
    }
    if (made < BUFFERS) {
      made++;
      return new byte[bufferSize];
    }
    return free.take();
  }
}
