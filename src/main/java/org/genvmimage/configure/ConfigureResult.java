package org.genvmimage.configure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.genvmimage.cloudinit.CloudInitWatcher;
import org.genvmimage.console.Units;
import org.genvmimage.qemu.FirmwareChoice;

/**
 * How a configure run went: complete after a successful run; after a failure, what the run reached
 * (the rest is null or empty).
 *
 * @param imageFormat as qemu-img info found it, or null when not inspected
 * @param virtualSize the disk size the guest sees, in bytes, or null
 * @param accelerator {@code KVM} or {@code TCG}, or null when not chosen
 * @param firmware the guest's firmware and why, or null when not chosen
 * @param serialLog where the guest console was logged
 */
public record ConfigureResult(
    Path image,
    String imageFormat,
    Long virtualSize,
    String accelerator,
    FirmwareChoice firmware,
    CloudInit cloudInit,
    Durations durations,
    Path serialLog) {

  /**
   * What cloud-init showed on the guest console.
   *
   * @param version as the guest printed it, or null when not seen
   * @param datasource from cloud-init's final message, e.g. {@code DataSourceNoCloud
   *     [seed=/dev/sr0]}, or null
   * @param stages the stages cloud-init entered, in order
   * @param guestUptimeSeconds the guest's uptime at cloud-init's final message, or null
   * @param warnings the warnings and errors cloud-init printed on the console
   */
  public record CloudInit(
      String version,
      String datasource,
      List<CloudInitWatcher.StageSeen> stages,
      Double guestUptimeSeconds,
      List<String> warnings) {
    public CloudInit {
      stages = List.copyOf(stages);
      warnings = List.copyOf(warnings);
    }

    /** Nothing seen: the run did not get as far as the console. */
    public static final CloudInit NONE = new CloudInit(null, null, List.of(), null, List.of());
  }

  /**
   * How long the steps took; null for a step that did not run (reset with {@code --no-reset}).
   *
   * @param seed checking and writing the seed
   * @param bootToFinished from the start of QEMU to cloud-init's final message
   */
  public record Durations(
      Duration seed,
      Duration bootToFinished,
      Duration powerOff,
      Duration reset,
      Duration commit,
      Duration total) {}

  /** The one result line for stdout. */
  public String summary() {
    StringBuilder s = new StringBuilder();
    s.append(image).append("  configured  (");
    if (cloudInit.version() != null) {
      s.append("cloud-init ").append(cloudInit.version()).append(", ");
    }
    s.append(accelerator);
    if (durations.bootToFinished() != null) {
      s.append(", finished after ").append(Units.duration(durations.bootToFinished()));
    }
    if (durations.total() != null) {
      s.append(", total ").append(Units.duration(durations.total()));
    }
    List<String> warnings = cloudInit.warnings();
    if (!warnings.isEmpty()) {
      s.append(", ")
          .append(warnings.size())
          .append(warnings.size() == 1 ? " warning" : " warnings");
    }
    return s.append(")").toString();
  }
}
