package org.genvmimage.image;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.Folders;
import org.genvmimage.core.GenVmException;
import org.genvmimage.core.IoErrors;
import org.genvmimage.manifest.FileStamp;
import org.genvmimage.manifest.ManifestEntry;
import org.genvmimage.manifest.ManifestFolder;

/**
 * The {@code SHA256SUMS} of a run's output folders. Each image's build leaves its entry here: a
 * built image the digest {@link HashStep} read before the publish; an up-to-date image the digest
 * its folder's manifest already records for the file as it is now (same size, modification time and
 * inode), else the digest of one read of it. At the end of the run, {@link #update} merges them
 * into each folder's manifest ({@link ManifestFolder#update}): a failed or skipped image keeps its
 * old line only when its file is still the one that line was recorded for.
 */
final class OutputManifests {
  /** The manifests that a run left, and the failure to write one, if any. */
  record Outcome(List<Path> manifests, GenVmException error) {}

  private final BuildTools tools;
  private final Map<String, ManifestEntry> entries = new ConcurrentHashMap<>();

  OutputManifests(BuildTools tools) {
    this.tools = tools;
  }

  /** Records the entry of an image whose build ended well. */
  void record(ImageBuild build) throws IOException {
    ManifestEntry entry = null;
    if (build.outcome == ImageBuild.Outcome.BUILT) {
      entry = build.manifestEntry;
    } else if (build.outcome == ImageBuild.Outcome.UP_TO_DATE) {
      entry = confirm(build);
    }
    if (entry != null) {
      entries.put(build.spec.key(), entry);
    }
  }

  /** The entry of an up-to-date output: the recorded one while the file is unchanged, else read. */
  private ManifestEntry confirm(ImageBuild build) throws IOException {
    Path output = build.output;
    ManifestEntry recorded =
        new ManifestFolder(Folders.of(output)).recorded().get(output.getFileName().toString());
    FileStamp now = FileStamp.of(output);
    if (now == null) {
      return null; // not a regular file (a link): nothing to vouch for it by
    }
    if (recorded != null && recorded.stamp().equals(now)) {
      return recorded;
    }
    try {
      return HashStep.hash(tools, build.spec.key(), output, "hashing for SHA256SUMS");
    } catch (IOException e) {
      throw new GenVmException(
          ExitCode.TOOL_FAILED,
          output + ": cannot read the image for its SHA256SUMS line: " + IoErrors.reason(e),
          e);
    }
  }

  /**
   * Updates the manifest of each folder that these outputs (image key to path) are in. Runs with
   * the thread's interrupt cleared, so that a run cut short by Ctrl-C still lists what it
   * published.
   */
  Outcome update(Map<String, Path> outputs) {
    Map<Path, Map<String, ManifestEntry>> folders = new LinkedHashMap<>();
    for (Map.Entry<String, Path> e : outputs.entrySet()) {
      Path output = e.getValue();
      folders
          .computeIfAbsent(Folders.of(output).normalize(), k -> new HashMap<>())
          .put(output.getFileName().toString(), entries.get(e.getKey()));
    }
    boolean interrupted = Thread.interrupted();
    List<Path> manifests = new ArrayList<>();
    GenVmException error = null;
    try {
      for (Map.Entry<Path, Map<String, ManifestEntry>> f : folders.entrySet()) {
        ManifestFolder folder = new ManifestFolder(f.getKey());
        try {
          Path manifest = folder.update(f.getValue());
          if (manifest != null) {
            manifests.add(manifest);
            tools.console().debug("updated " + manifest);
          }
        } catch (IOException e) {
          String message =
              folder.manifest() + ": cannot update the manifest: " + IoErrors.reason(e);
          tools.console().error(message, e);
          if (error == null) {
            error = new GenVmException(ExitCode.TOOL_FAILED, message, e);
          }
        }
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
    return new Outcome(List.copyOf(manifests), error);
  }
}
