package org.genvmimage.configure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.genvmimage.cloudinit.CloudInitWatcher;
import org.genvmimage.console.Units;

/**
 * How a configure run went: complete after a successful run; after a failure, what the run reached
 * (the rest is null or empty).
 *
 * @param imageFormat as qemu-img info found it, or null when not inspected
 * @param virtualSize the disk size the guest sees, in bytes, or null
 * @param accelerator {@code KVM} or {@code TCG}, or null when not chosen
 * @param cloudInitVersion as the guest printed it, or null when not seen
 * @param datasource from cloud-init's final message, e.g. {@code DataSourceNoCloud
 *     [seed=/dev/sr0]}, or null
 * @param stages the stages cloud-init entered, in order
 * @param guestUptimeSeconds the guest's uptime at cloud-init's final message, or null
 * @param seed how long checking and writing the seed took; this and the other durations are null
 *     for a step that did not run (reset with {@code --no-reset})
 * @param bootToFinished from the start of QEMU to cloud-init's final message
 * @param warnings the warnings and errors cloud-init printed on the console
 * @param serialLog where the guest console was logged
 */
public record ConfigureResult(
    Path image,
    String imageFormat,
    Long virtualSize,
    String accelerator,
    String cloudInitVersion,
    String datasource,
    List<CloudInitWatcher.StageSeen> stages,
    Double guestUptimeSeconds,
    Duration seed,
    Duration bootToFinished,
    Duration powerOff,
    Duration reset,
    Duration commit,
    Duration total,
    List<String> warnings,
    Path serialLog) {

  public ConfigureResult {
    stages = List.copyOf(stages);
    warnings = List.copyOf(warnings);
  }

  /** The one result line for stdout. */
  public String summary() {
    StringBuilder s = new StringBuilder();
    s.append(image).append("  configured  (");
    if (cloudInitVersion != null) {
      s.append("cloud-init ").append(cloudInitVersion).append(", ");
    }
    s.append(accelerator);
    if (bootToFinished != null) {
      s.append(", finished after ").append(Units.duration(bootToFinished));
    }
    if (total != null) {
      s.append(", total ").append(Units.duration(total));
    }
    if (!warnings.isEmpty()) {
      s.append(", ")
          .append(warnings.size())
          .append(warnings.size() == 1 ? " warning" : " warnings");
    }
    return s.append(")").toString();
  }
}
