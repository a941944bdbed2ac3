package org.genvmimage.download;

import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * A response body's way from the HTTP client's threads to the calling thread: the client's threads
 * put each list of buffers they are handed into a bounded queue, the calling thread takes them off.
 * Demand never exceeds the free slots of the queue (the calling thread asks for more in batches as
 * it takes lists off), so the queue never overflows and the heap stays small.
 */
final class BodyQueue {
  /** Marks the end of a body in the queue (compared by identity). */
  static final List<ByteBuffer> END = new ArrayList<>(0);

  /** The size of the buffers the HTTP client hands out (its own setting; 16 KiB by default). */
  private static final int CLIENT_BUFFER_SIZE =
      Math.max(4096, Integer.getInteger("jdk.httpclient.bufsize", 16 * 1024));

  private final int capacity;
  private final int batch;
  private final ArrayBlockingQueue<List<ByteBuffer>> queue;

  // Written by HTTP client threads, read by the calling thread.
  private volatile boolean aborted;
  private volatile Throwable error;
  private volatile Flow.Subscription subscription;

  // The calling thread's own.
  private int consumed;

  /** A queue that holds about twice {@code bufferSize} bytes. */
  BodyQueue(int bufferSize) {
    this.capacity = Math.max(4, Math.min(1024, 2 * bufferSize / CLIENT_BUFFER_SIZE));
    this.queue = new ArrayBlockingQueue<>(capacity + 1);
    this.batch = Math.max(1, capacity / 8);
  }

  /** The subscriber that fills this queue. */
  BodySubscriber<Void> subscriber() {
    return new Streaming();
  }

  /** A subscriber that refuses the body: the connection is closed instead of read to the end. */
  static BodySubscriber<Void> refusing() {
    return new Cancelling();
  }

  /** The next list of buffers, {@link #END}, or null when none came within {@code millis}. */
  List<ByteBuffer> poll(long millis) throws InterruptedException {
    return queue.poll(millis, TimeUnit.MILLISECONDS);
  }

  /** Tells the client that a list was taken off (asking for more once a batch is taken). */
  void taken() {
    if (++consumed >= batch) {
      subscription.request(consumed);
      consumed = 0;
    }
  }

  /** How the body failed, once {@link #END} was taken; null when it completed. */
  Throwable error() {
    return error;
  }

  boolean aborted() {
    return aborted;
  }

  /** Cancels the exchange; the connection is closed and nothing more reaches the queue. */
  void abort(Future<?> response) {
    aborted = true;
    response.cancel(true);
    Flow.Subscription s = subscription;
    if (s != null) {
      s.cancel();
    }
    queue.clear();
  }

  private final class Streaming implements BodySubscriber<Void> {
    private final CompletableFuture<Void> done = new CompletableFuture<>();

    @Override
    public CompletionStage<Void> getBody() {
      return done;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      if (aborted) {
        s.cancel();
      } else {
        s.request(capacity);
      }
    }

    @Override
    public void onNext(List<ByteBuffer> buffers) {
      if (!aborted && !queue.offer(buffers)) {
        onError(new IllegalStateException("body queue overflow"));
      }
    }

    @Override
    public void onError(Throwable t) {
      error = t;
      queue.offer(END);
      done.completeExceptionally(t);
    }

    @Override
    public void onComplete() {
      queue.offer(END);
      done.complete(null);
    }
  }

  private static final class Cancelling implements BodySubscriber<Void> {
    @Override
    public CompletionStage<Void> getBody() {
      return CompletableFuture.completedFuture(null);
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      s.cancel();
    }

    @Override
    public void onNext(List<ByteBuffer> item) {}

    @Override
    public void onError(Throwable throwable) {}

    @Override
    public void onComplete() {}
  }
}
