package org.genvmimage.download;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Records listener calls (and the threads they came on) for assertions. */
final class RecordingListener implements DownloadListener {
  final List<String> events = new CopyOnWriteArrayList<>();
  final List<String> retryReasons = new CopyOnWriteArrayList<>();
  final List<Thread> threads = new CopyOnWriteArrayList<>();
  volatile long lastProgress = -1;
  volatile long lastTotal = -2;
  volatile long startedTotal = -2;
  volatile long startedHave = -1;

  @Override
  public void started(URI source, long totalBytes, long alreadyHave) {
    threads.add(Thread.currentThread());
    startedTotal = totalBytes;
    startedHave = alreadyHave;
    events.add("started " + totalBytes + " " + alreadyHave);
  }

  @Override
  public void progress(long bytesSoFar, long totalBytes) {
    threads.add(Thread.currentThread());
    lastProgress = bytesSoFar;
    lastTotal = totalBytes;
  }

  @Override
  public void retrying(URI source, int attempt, int maxAttempts, Duration delay, String reason) {
    threads.add(Thread.currentThread());
    retryReasons.add(reason);
    events.add("retrying " + attempt + "/" + maxAttempts + " " + reason);
  }

  @Override
  public void finished(URI source, long bytes) {
    threads.add(Thread.currentThread());
    events.add("finished " + bytes);
  }
}
