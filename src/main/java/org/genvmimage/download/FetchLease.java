package org.genvmimage.download;

/**
 * A fetched file together with the shared lock that keeps its cache entry from being removed while
 * it is read (see {@link Downloader#fetchAndHold}). Close it when done reading; closing again does
 * nothing. For a {@code file:} source there is nothing to hold.
 */
public final class FetchLease implements AutoCloseable {
  private final FetchResult result;
  private final EntryLock lock;

  FetchLease(FetchResult result, EntryLock lock) {
    this.result = result;
    this.lock = lock;
  }

  public FetchResult result() {
    return result;
  }

  @Override
  public void close() {
    if (lock != null) {
      lock.close();
    }
  }
}
