package org.genvmimage.qemu;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;

/**
 * An asynchronous QMP event, e.g. {@code SHUTDOWN}, {@code STOP}, {@code RESUME}, {@code RESET}.
 *
 * @param name the event name
 * @param data its {@code data} member (an empty object when it has none)
 * @param timestamp when QEMU emitted it
 */
public record QmpEvent(String name, JsonNode data, Instant timestamp) {
  public QmpEvent {
    Objects.requireNonNull(name);
    Objects.requireNonNull(data);
    Objects.requireNonNull(timestamp);
  }
}
