package org.genvmimage.image;

import java.nio.file.Path;
import java.util.List;
import org.genvmimage.architecture.ImageSpec;
import org.genvmimage.compress.Codec;
import org.genvmimage.download.Digest;
import org.genvmimage.download.DownloadCopy;
import org.genvmimage.download.FetchLease;
import org.genvmimage.download.FetchResult;
import org.genvmimage.qemu.ImageInfo;
import org.genvmimage.qemu.QemuImg;
import org.genvmimage.qemu.QemuImgCommands;
import org.genvmimage.qemu.TargetFormat;
import org.genvmimage.step.StepRunner;

/** The state of one image's build, filled in by the steps in order. */
public final class ImageBuild implements StepRunner.Stoppable {
  /** How a build ended. */
  public enum Outcome {
    BUILT,
    UP_TO_DATE,
    /** Not started: the run was interrupted first (the result also carries that error). */
    SKIPPED
  }

  final ImageSpec spec;
  final Path architectureFile;
  final Path output;

  /** The expected digest, resolved from the spec (a sums file is read for it). */
  Digest checksum;

  /** The fingerprint of the key whose signature of the sums file verified, or null. */
  String signedBy;

  FetchResult fetched;

  /** Keeps the fetched file's cache entry from being removed until it has been converted. */
  FetchLease fetchLease;

  /** The base image's compression, or null when it is not compressed. */
  Codec compression;

  /** The decompressed base image beside the output, for a compressed one; else null. */
  Path unpacked;

  ImageInfo sourceInfo;

  /** The temporary file beside the output that the image is built in. */
  Path temp;

  /** Whether the download was also written to {@link #temp} (complete when it all was). */
  DownloadCopy downloadCopy;

  ImageInfo outputInfo;
  Outcome outcome;

  /** The output's SHA-256 and the file's stamp when it was read, for its SHA256SUMS line. */
  org.genvmimage.manifest.ManifestEntry manifestEntry;

  /** For a dry run, what the steps would do; null when they run. */
  PlanDraft plan;

  ImageBuild(ImageSpec spec, Path architectureFile, Path output) {
    this.spec = spec;
    this.architectureFile = architectureFile;
    this.output = output;
  }

  /**
   * The format the image is built (converted and resized) in: raw for a raw output, else qcow2; a
   * vmdk, vhdx or vpc output is converted from it last ({@link FormatStep}), as qemu-img cannot
   * resize those, and so is a qcow2 output with compressed clusters (the compressing conversion is
   * the last write, so no cluster is written uncompressed after it).
   */
  String workFormat() {
    return "raw".equals(spec.outputFormat()) ? "raw" : QemuImgCommands.QCOW2;
  }

  /** The format the output is written in: its format, subformat and compression. */
  TargetFormat target() {
    return new TargetFormat(spec.outputFormat(), spec.subformat(), spec.compression());
  }

  /**
   * {@code qemu-img info} of the output (or of {@code temp}, which becomes it): probed from the
   * content, except a fixed VHD, which is read as vpc, as probing finds raw in it (its only mark is
   * its last sector).
   */
  ImageInfo outputInfo(QemuImg qemuImg, Path image) {
    return fixedVhd() ? qemuImg.info(image, "vpc") : qemuImg.info(image);
  }

  /** The command line of {@link #outputInfo}, for a plan. */
  List<String> outputInfoCommand(QemuImg qemuImg, Path image) {
    return fixedVhd() ? qemuImg.commands().info(image, "vpc") : qemuImg.commands().info(image);
  }

  private boolean fixedVhd() {
    return "vpc".equals(spec.outputFormat()) && "fixed".equals(spec.subformat());
  }

  /** Lets go of the fetched file's cache entry (once it is no longer read). */
  void releaseSource() {
    if (fetchLease != null) {
      fetchLease.close();
    }
  }

  /** The disk image that the build reads: the decompressed base image, or the fetched file. */
  Path baseImage() {
    return unpacked != null ? unpacked : fetched.file();
  }

  /** The architecture-file key path of a field of this image, for messages. */
  String field(String name) {
    return "images." + spec.key() + "." + name;
  }

  @Override
  public boolean stopped() {
    return outcome != null;
  }
}
