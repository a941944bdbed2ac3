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
 * @param snapshots whether the image holds internal snapshots
 * @param corrupt whether qcow2 marked the image corrupt
 */
public record ImageInfo(
    String format,
    long virtualSize,
    long actualSize,
    String compat,
    String backingFile,
    boolean encrypted,
    List<String> externalFiles,
    boolean snapshots,
    boolean corrupt) {

  public ImageInfo {
    externalFiles = externalFiles == null ? List.of() : List.copyOf(externalFiles);
  }

  /** An image without internal snapshots that is not marked corrupt. */
  public ImageInfo(
      String format,
      long virtualSize,
      long actualSize,
      String compat,
      String backingFile,
      boolean encrypted,
      List<String> externalFiles) {
    this(
        format,
        virtualSize,
        actualSize,
        compat,
        backingFile,
        encrypted,
        externalFiles,
        false,
        false);
  }

  /**
   * Whether a byte-for-byte copy of the image is what {@code qemu-img convert -O qcow2 -o
   * compat=1.1} would be asked to make: a qcow2 v3 file that is whole by itself (no backing file,
   * no external data file, no encryption) and that resizes cleanly (no internal snapshots, not
   * marked corrupt).
   */
  public boolean selfContainedQcow2v3() {
    return "qcow2".equals(format)
        && "1.1".equals(compat)
        && backingFile == null
        && !encrypted
        && externalFiles.isEmpty()
        && !snapshots
        && !corrupt;
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
