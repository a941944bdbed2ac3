package org.genvmimage.configure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.genvmimage.console.Units;

/**
 * How a configure run went.
 *
 * @param cloudInitVersion as the guest printed it, or null when not seen
 * @param guestUptimeSeconds the guest's uptime at cloud-init's final message, or -1
 * @param warnings what cloud-init warned about on the console
 */
public record ConfigureResult(
    Path image,
    String accelerator,
    String cloudInitVersion,
    double guestUptimeSeconds,
    Duration bootToFinished,
    Duration powerOff,
    Duration reset,
    Duration commit,
    Duration total,
    List<String> warnings) {

  /** The one result line for stdout. */
  public String summary() {
    StringBuilder s = new StringBuilder();
    s.append(image).append("  configured  (");
    if (cloudInitVersion != null) {
      s.append("cloud-init ").append(cloudInitVersion).append(", ");
    }
    s.append(accelerator).append(", finished after ").append(Units.duration(bootToFinished));
    s.append(", total ").append(Units.duration(total));
    if (!warnings.isEmpty()) {
      s.append(", ")
          .append(warnings.size())
          .append(warnings.size() == 1 ? " warning" : " warnings");
    }
    return s.append(")").toString();
  }
}
