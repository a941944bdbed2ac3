package org.genvmimage.qemu;

import java.util.List;

/**
 * What {@code qemu-img info} says about an image.
 *
 * @param format the format found from the content ("qcow2", "raw", …; "raw" for anything unknown)
 * @param virtualSize the disk size the guest sees, in bytes
 * @param actualSize the space the file takes on the host, in bytes (0 when unknown)
 * @param compat the qcow2 version, "1.1" or "0.10"; null for other formats
 * @param backingFile the backing file the image refers to, or null
 * @param encrypted whether the image needs a key to be read
 * @param externalFiles other files the image's data lives in (a qcow2 external data file, vmdk
 *     extents other than the image itself); empty for a self-contained image
 */
public record ImageInfo(
    String format,
    long virtualSize,
    long actualSize,
    String compat,
    String backingFile,
    boolean encrypted,
    List<String> externalFiles) {

  public ImageInfo {
    externalFiles = externalFiles == null ? List.of() : List.copyOf(externalFiles);
  }

  /** A self-contained image (no external data files). */
  public ImageInfo(
      String format,
      long virtualSize,
      long actualSize,
      String compat,
      String backingFile,
      boolean encrypted) {
    this(format, virtualSize, actualSize, compat, backingFile, encrypted, List.of());
  }
}
