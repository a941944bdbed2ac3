package org.genvmimage.image;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.genvmimage.console.Units;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.Folders;
import org.genvmimage.core.GenVmException;
import org.genvmimage.download.CacheState;
import org.genvmimage.download.Digest;
import org.genvmimage.download.DownloadCopy;
import org.genvmimage.download.DownloadListener;
import org.genvmimage.download.FetchResult;
import org.genvmimage.step.Step;

/**
 * Downloads the base image into the cache, hashing it on the way (or finds it there). A download is
 * also written to the temporary output file as it arrives ({@link DownloadCopy}).
 *
 * <p>A blank disk fetches nothing (only {@code temp} is made); a local base image without a
 * checksum was read by {@link CheckOutputStep} and is used in place. A mirror list is tried in
 * order.
 *
 * <p>Uses {@code checksum}; produces {@code fetched}, {@code temp}, {@code downloadCopy} and {@code
 * fetchLease}, which keeps the cache entry from being removed until {@link ConvertStep} has read
 * it. Cleanup lets go of it and deletes {@code temp}. A plan produces the source, {@code temp}
 * (named, not made) and, for a base image on disk, {@code fetched}.
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
    build.temp = Files.createTempFile(dir, tempPrefix(build.output), TEMP_SUFFIX);
    if (build.spec.blank() || build.fetched != null) {
      // a blank disk has no base image; a local one without a checksum was read for its digest
      return;
    }
    build.downloadCopy = new DownloadCopy(build.temp);
    try {
      build.fetchLease =
          tools
              .downloader()
              .fetchAndHold(
                  FetchRequests.resolved(build.spec, build.checksum),
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
   * Where the base image would come from (a cache entry, a download into the cache, resumed or not,
   * or a local file, which must exist), and the temporary file's name with {@value
   * PlanDraft#RANDOM} for its random part. A base image on disk is noted as fetched, so that {@link
   * InspectStep} can read it.
   */
  @Override
  public void plan(ImageBuild build) {
    PlanDraft plan = build.plan;
    URI url = build.spec.source();
    Digest digest = build.checksum;
    build.temp =
        Folders.of(build.output).resolve(tempPrefix(build.output) + PlanDraft.RANDOM + TEMP_SUFFIX);
    if (build.spec.blank()) {
      plan.source = ImagePlan.Source.BLANK;
      return;
    }
    if (isLocal(url)) {
      plan.source = ImagePlan.Source.LOCAL_FILE;
      plan.sourcePath = Path.of(url);
      if (!Files.isRegularFile(plan.sourcePath)) {
        throw new GenVmException(ExitCode.DOWNLOAD_FAILED, plan.sourcePath + ": no such file");
      }
    } else if (digest == null) {
      // an unverified download: its entry is named by the digest of the bytes it will receive
      plan.source = ImagePlan.Source.DOWNLOAD;
      plan.sourcePath =
          tools
              .downloader()
              .cache()
              .entryPath(new Digest(FetchRequests.LOCAL_TYPE, "0".repeat(64)))
              .resolveSibling(UNKNOWN_DIGEST);
    } else {
      CacheState cached = tools.downloader().cacheState(digest);
      plan.source = cached.entry() != null ? ImagePlan.Source.CACHE : ImagePlan.Source.DOWNLOAD;
      plan.sourcePath =
          cached.entry() != null ? cached.entry() : tools.downloader().cache().entryPath(digest);
      plan.resumeBytes = cached.partialBytes();
    }
    if (plan.source != ImagePlan.Source.DOWNLOAD) {
      build.fetched =
          new FetchResult(plan.sourcePath, digest, plan.source == ImagePlan.Source.CACHE, 0, url);
    }
  }

  /**
   * For an up-to-date output, which the build leaves alone without reading its base image: where
   * that base image is when it is on disk (a cache entry or the local file), so that the plan says
   * what is true about the cache; nothing when it is not (no download would happen either).
   */
  static void planBaseImageOnDisk(BuildTools tools, ImageBuild build) {
    PlanDraft plan = build.plan;
    URI url = build.spec.source();
    if (url == null) {
      plan.source = ImagePlan.Source.BLANK;
      return;
    }
    if (isLocal(url)) {
      Path local = Path.of(url);
      if (Files.isRegularFile(local)) {
        plan.source = ImagePlan.Source.LOCAL_FILE;
        plan.sourcePath = local;
      }
      return;
    }
    CacheState cached = tools.downloader().cacheState(build.checksum);
    if (cached.entry() != null) {
      plan.source = ImagePlan.Source.CACHE;
      plan.sourcePath = cached.entry();
    }
  }

  private static boolean isLocal(URI url) {
    return "file".equalsIgnoreCase(url.getScheme());
  }

  /** The temporary file's name before its random part: hidden, and named after the output. */
  private static String tempPrefix(Path output) {
    return "." + output.getFileName() + ".";
  }

  private static final String TEMP_SUFFIX = ".tmp";

  /** The cache entry's name in a plan of a download without a checksum, until it is hashed. */
  static final String UNKNOWN_DIGEST = "<sha256 of the bytes received>";

  /**
   * What a cache hit uses: the cache entry itself, and where it was downloaded from when that was
   * another URL (the cache holds files by checksum, so any URL with the same checksum hits).
   */
  static String cacheHit(FetchResult fetched) {
    URI from = fetched.cachedFrom();
    String origin =
        from != null && !from.equals(fetched.source())
            ? " (downloaded earlier from " + from + ", same " + fetched.digest().type() + ")"
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

  /** What a download tells the console, for {@code task}. */
  static DownloadListener listener(BuildTools tools, String task) {
    return new FetchStep(tools).new Listener(task);
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
    public void mirrorFailed(URI source, String reason, URI next) {
      tools.console().warn(task + ": " + reason + "; trying the next mirror, " + next);
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
