package org.genvmimage.image;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.genvmimage.console.Units;
import org.genvmimage.core.Folders;
import org.genvmimage.download.DownloadCopy;
import org.genvmimage.download.DownloadListener;
import org.genvmimage.download.FetchResult;
import org.genvmimage.step.Step;

/**
 * Downloads the base image into the cache, hashing it on the way (or finds it there). A download is
 * also written to the temporary output file as it arrives ({@link DownloadCopy}).
 *
 * <p>Uses {@code checksumHex}; produces {@code fetched}, {@code temp}, {@code downloadCopy} and
 * {@code fetchLease}, which keeps the cache entry from being removed until {@link ConvertStep} has
 * read it. Cleanup lets go of it and deletes {@code temp}.
 */
final class FetchStep implements Step<ImageBuild> {
  private final BuildTools tools;

  FetchStep(BuildTools tools) {
    this.tools = tools;
  }

  @Override
  public String name() {
    return "fetch";
  }

  @Override
  public void run(ImageBuild build) throws IOException {
    String task = build.spec.key();
    // The temporary output file is made now so that a download also writes itself there: a base
    // image that needs no conversion is then not copied out of the cache again.
    Path dir = Folders.of(build.output);
    build.temp = Files.createTempFile(dir, "." + build.output.getFileName() + ".", ".tmp");
    build.downloadCopy = new DownloadCopy(build.temp);
    try {
      build.fetchLease =
          tools
              .downloader()
              .fetchAndHold(
                  FetchRequests.resolved(build.spec, build.checksumHex),
                  new Listener(task),
                  build.downloadCopy);
      build.fetched = build.fetchLease.result();
    } finally {
      tools.console().done(task);
    }
    if (build.fetched.cacheHit()) {
      tools.console().info(task + ": " + cacheHit(build.fetched));
    }
  }

  /**
   * What a cache hit uses: the cache entry itself, and where it was downloaded from when that was
   * another URL (the cache holds files by checksum, so any URL with the same checksum hits).
   */
  static String cacheHit(FetchResult fetched) {
    URI from = fetched.cachedFrom();
    String origin =
        from != null && !from.equals(fetched.source())
            ? " (downloaded earlier from " + from + ", same " + fetched.checksumType() + ")"
            : "";
    return "using the cached base image " + fetched.file() + origin;
  }

  @Override
  public void cleanup(ImageBuild build) {
    build.releaseSource();
    if (build.temp != null) {
      try {
        Files.deleteIfExists(build.temp);
      } catch (IOException e) {
        tools.console().warn("could not remove " + build.temp + ": " + e.getMessage());
      }
    }
  }

  private final class Listener implements DownloadListener {
    private final String task;
    private long startNanos;
    private long startBytes;
    private String verb = "downloading";

    Listener(String task) {
      this.task = task;
    }

    @Override
    public void started(URI source, long totalBytes, long alreadyHave) {
      startNanos = System.nanoTime();
      startBytes = alreadyHave;
      String size = totalBytes >= 0 ? " (" + Units.bytes(totalBytes) + ")" : "";
      if ("file".equalsIgnoreCase(source.getScheme())) {
        // a local base image is read in place, to check its checksum: nothing is downloaded
        verb = "reading";
        tools.console().info(task + ": reading the local file " + Path.of(source) + size);
        return;
      }
      String resume = alreadyHave > 0 ? ", resuming at " + Units.bytes(alreadyHave) : "";
      tools.console().info(task + ": downloading " + source + size + resume);
    }

    @Override
    public void progress(long bytesSoFar, long totalBytes) {
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      String rate = seconds > 0.5 ? ", " + Units.rate((bytesSoFar - startBytes) / seconds) : "";
      String text =
          totalBytes > 0
              ? String.format(
                  java.util.Locale.ROOT,
                  "%s %3d%% %s of %s%s",
                  verb,
                  bytesSoFar * 100 / totalBytes,
                  Units.bytes(bytesSoFar),
                  Units.bytes(totalBytes),
                  rate)
              : verb + " " + Units.bytes(bytesSoFar) + rate;
      tools.console().progress(task, text);
    }

    @Override
    public void retrying(URI source, int attempt, int maxAttempts, Duration delay, String reason) {
      tools
          .console()
          .warn(
              String.format(
                  "%s: %s: %s; retrying in %s (attempt %d of %d)",
                  task, source, reason, Units.duration(delay), attempt, maxAttempts));
    }
  }
}
