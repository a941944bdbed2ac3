package org.genvmimage.image;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.genvmimage.architecture.Architecture;
import org.genvmimage.architecture.ImageSpec;
import org.genvmimage.core.DaemonThreads;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.core.IoErrors;
import org.genvmimage.download.Digest;
import org.genvmimage.download.SumsFileMemo;
import org.genvmimage.step.Step;
import org.genvmimage.step.StepRunner;

/**
 * Builds the images of an architecture file, in parallel up to a number of jobs. One failing image
 * does not stop the others; {@link #cancel()} (Ctrl-C) interrupts them all, and each cleans up
 * after itself. Output folders that the run created and that no image was published to are removed
 * at the end.
 */
public final class ImageBuilder {
  private final BuildTools tools;
  private final int jobs;
  private volatile ExecutorService executor;
  private volatile boolean cancelled;
  private final OutputFolders folders = new OutputFolders();
  private final OutputManifests manifests;
  private volatile OutputManifests.Outcome manifestOutcome =
      new OutputManifests.Outcome(List.of(), null);

  public ImageBuilder(BuildTools tools, int jobs) {
    this.tools = tools;
    this.jobs = Math.max(1, jobs);
    this.manifests = new OutputManifests(tools);
  }

  /**
   * The {@code SHA256SUMS} files the last {@link #build} left in its output folders, and the
   * failure to update one (TOOL_FAILED), if any.
   */
  public List<Path> manifests() {
    return manifestOutcome.manifests();
  }

  /** The failure to update a {@code SHA256SUMS} in the last {@link #build}, or null. */
  public GenVmException manifestError() {
    return manifestOutcome.error();
  }

  /** The steps of one image's build, in order. */
  List<Step<ImageBuild>> steps() {
    return List.of(
        new WritableFormatStep(tools),
        new CheckOutputStep(tools, folders),
        new FetchStep(tools),
        new DecompressStep(tools),
        new InspectStep(tools),
        new ConvertStep(tools),
        new ResizeStep(tools),
        new FormatStep(tools),
        new CheckStep(tools),
        new HashStep(tools),
        new PublishStep(tools));
  }

  /**
   * Builds the given images (key to output path), returning one result per image, in order; then
   * updates the {@code SHA256SUMS} of each output folder ({@link OutputManifests}).
   */
  public List<ImageResult> build(Architecture architecture, Map<String, Path> outputs) {
    int threads = Math.min(jobs, Math.max(1, outputs.size()));
    executor = Executors.newFixedThreadPool(threads, DaemonThreads.factory("build"));
    Map<String, Future<ImageResult>> futures = new LinkedHashMap<>();
    try {
      for (Map.Entry<String, Path> e : outputs.entrySet()) {
        ImageSpec spec = architecture.images().get(e.getKey());
        futures.put(
            e.getKey(), executor.submit(() -> buildOne(architecture.file(), spec, e.getValue())));
      }
      List<ImageResult> results = new ArrayList<>();
      for (Map.Entry<String, Future<ImageResult>> e : futures.entrySet()) {
        results.add(await(e.getKey(), outputs.get(e.getKey()), e.getValue()));
      }
      manifestOutcome = manifests.update(outputs);
      return results;
    } finally {
      executor.shutdownNow();
      if (awaitEnd(executor)) {
        // every image has ended (built, failed, or interrupted and cleaned up)
        folders.removeEmpty();
      }
    }
  }

  /**
   * The dry run: for each image, in order, what its build would do and which of its checks would
   * fail, as its steps plan it ({@link StepRunner#plan}), without writing anything and without
   * downloading a base image. Sums files are read into memory (each once), and {@code qemu-img
   * info} runs on base images and outputs that are already on disk.
   */
  public List<ImagePlan> plan(Architecture architecture, Map<String, Path> outputs) {
    SumsFileMemo sums = new SumsFileMemo();
    List<ImagePlan> plans = new ArrayList<>();
    for (Map.Entry<String, Path> e : outputs.entrySet()) {
      ImageSpec spec = architecture.images().get(e.getKey());
      ImageBuild build = new ImageBuild(spec, architecture.file(), e.getValue());
      build.plan = new PlanDraft(sums);
      plans.add(build.plan.finish(build, planOne(build)));
    }
    return plans;
  }

  /** Plans one image's steps; the failure a build would end with, or null. */
  private GenVmException planOne(ImageBuild build) {
    try {
      if (Thread.currentThread().isInterrupted()) {
        return interrupted();
      }
      StepRunner.plan(steps(), build);
      return null;
    } catch (GenVmException e) {
      return e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return interrupted();
    } catch (java.io.IOException e) {
      return new GenVmException(ExitCode.TOOL_FAILED, IoErrors.reason(e), e);
    } catch (Exception e) {
      return unexpected(e);
    }
  }

  /** Waits for the image builds to end; false when they did not within a minute. */
  private static boolean awaitEnd(ExecutorService executor) {
    boolean interrupted = false;
    try {
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
      while (true) {
        try {
          return executor.awaitTermination(
              Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
          interrupted = true;
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /** Interrupts every running build; each cleans up and ends as interrupted. */
  public void cancel() {
    cancelled = true;
    ExecutorService running = executor;
    if (running != null) {
      running.shutdownNow();
    }
  }

  private ImageResult await(String key, Path output, Future<ImageResult> future) {
    while (true) {
      try {
        return future.get();
      } catch (InterruptedException e) {
        cancel();
      } catch (java.util.concurrent.CancellationException e) {
        return skipped(key, output);
      } catch (ExecutionException e) {
        return failure(key, output, unexpected(e.getCause()), Duration.ZERO, null);
      }
    }
  }

  private ImageResult buildOne(Path architectureFile, ImageSpec spec, Path output) {
    long start = System.nanoTime();
    ImageBuild build = new ImageBuild(spec, architectureFile, output);
    try {
      if (cancelled) {
        return skipped(spec.key(), output);
      }
      StepRunner.run(steps(), build);
      manifests.record(build);
      Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
      return new ImageResult(
          spec.key(),
          output,
          build.outcome,
          null,
          elapsed,
          build.fetched != null && build.fetched.cacheHit(),
          build.fetched == null ? 0 : build.fetched.bytesDownloaded(),
          build.checksum,
          build.outputInfo,
          build.signedBy,
          build.fetched == null ? null : build.fetched.source(),
          build.compression == null ? null : build.compression.label(),
          fileSize(output));
    } catch (Exception | Error e) {
      GenVmException error = classify(e);
      return failure(spec.key(), output, error, Duration.ofNanos(System.nanoTime() - start), build);
    } finally {
      build.releaseSource();
    }
  }

  private GenVmException classify(Throwable e) {
    if (e instanceof GenVmException g) {
      return cancelled && g.exitCode() != ExitCode.INTERRUPTED.code() ? interrupted(g) : g;
    }
    if (e instanceof InterruptedException || cancelled) {
      return interrupted();
    }
    if (e instanceof java.io.IOException io) {
      return new GenVmException(ExitCode.TOOL_FAILED, IoErrors.reason(io), io);
    }
    return unexpected(e);
  }

  private static GenVmException interrupted() {
    return new GenVmException(ExitCode.INTERRUPTED, "interrupted");
  }

  private static GenVmException interrupted(Throwable cause) {
    return new GenVmException(ExitCode.INTERRUPTED, "interrupted", cause);
  }

  private static GenVmException unexpected(Throwable e) {
    return new GenVmException(ExitCode.INTERNAL, "unexpected error: " + e, e);
  }

  private static ImageResult failure(
      String key, Path output, GenVmException error, Duration elapsed, ImageBuild build) {
    boolean hit = build != null && build.fetched != null && build.fetched.cacheHit();
    long bytes = build != null && build.fetched != null ? build.fetched.bytesDownloaded() : 0;
    Digest checksum = build == null ? null : build.checksum;
    String signedBy = build == null ? null : build.signedBy;
    URI source = build != null && build.fetched != null ? build.fetched.source() : null;
    String compression =
        build == null || build.compression == null ? null : build.compression.label();
    return new ImageResult(
        key,
        output,
        null,
        error,
        elapsed,
        hit,
        bytes,
        checksum,
        null,
        signedBy,
        source,
        compression,
        null);
  }

  private static ImageResult skipped(String key, Path output) {
    return new ImageResult(
        key,
        output,
        ImageBuild.Outcome.SKIPPED,
        interrupted(),
        Duration.ZERO,
        false,
        0,
        null,
        null,
        null,
        null,
        null,
        null);
  }

  /** The length of a file, or null when it cannot be read. */
  static Long fileSize(Path file) {
    try {
      return java.nio.file.Files.size(file);
    } catch (java.io.IOException e) {
      return null;
    }
  }
}
