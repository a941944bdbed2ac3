package org.genvmimage.qemu;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Instant;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The QMP wire format on one channel: one JSON object a line each way, commands written with {@link
 * SocketChannel#write} under a lock (never a stream adapter, whose lock a blocked read holds),
 * messages read by one caller.
 */
final class QmpWire {
  private static final Logger log = LoggerFactory.getLogger(QmpWire.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_MESSAGE_BYTES = 16 << 20;

  private final SocketChannel channel;
  private final Object writeLock = new Object();

  QmpWire(SocketChannel channel) {
    this.channel = channel;
  }

  /** {@code {"execute": command, "arguments": arguments, "id": id}}, without empty arguments. */
  static ObjectNode command(String command, JsonNode arguments, String id) {
    ObjectNode message = JSON.createObjectNode();
    message.put("execute", command);
    if (arguments != null && !arguments.isEmpty()) {
      message.set("arguments", arguments);
    }
    message.put("id", id);
    return message;
  }

  /** The event an {@code {"event": ...}} message carries. */
  static QmpEvent event(JsonNode message) {
    JsonNode data = message.get("data");
    JsonNode stamp = message.path("timestamp");
    Instant timestamp =
        stamp.has("seconds")
            ? Instant.ofEpochSecond(
                stamp.path("seconds").asLong(), stamp.path("microseconds").asLong() * 1000)
            : Instant.now();
    return new QmpEvent(
        message.path("event").asText(), data == null ? JSON.createObjectNode() : data, timestamp);
  }

  /**
   * The failure an {@code {"error": {"class": ..., "desc": ...}}} reply to {@code command} says.
   */
  static QmpException error(String command, JsonNode error) {
    String errorClass = error.path("class").asText("GenericError");
    String desc = error.path("desc").asText(error.toString());
    return new QmpException(command, errorClass, "QMP " + command + " failed: " + desc);
  }

  /** Writes {@code message} and a newline; safe from many threads. */
  void write(JsonNode message) throws IOException {
    byte[] bytes = (JSON.writeValueAsString(message) + "\n").getBytes(UTF_8);
    if (log.isTraceEnabled()) {
      log.trace("QMP -> {}", message);
    }
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    synchronized (writeLock) {
      while (buffer.hasRemaining()) {
        channel.write(buffer);
      }
    }
  }

  /**
   * Reads until the peer closes, passing each JSON message to {@code handler} in order; blank lines
   * and lines that are not JSON are skipped. A last line without a newline counts.
   *
   * @throws IOException when reading fails, the channel is closed, or a line exceeds 16 MiB
   */
  void readAll(Consumer<JsonNode> handler) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    while (channel.read(buffer) >= 0) {
      buffer.flip();
      while (buffer.hasRemaining()) {
        byte b = buffer.get();
        if (b == '\n') {
          parse(line.toString(UTF_8), handler);
          line.reset();
        } else if (line.size() >= MAX_MESSAGE_BYTES) {
          throw new IOException("a QMP message exceeds " + MAX_MESSAGE_BYTES + " bytes");
        } else {
          line.write(b);
        }
      }
      buffer.clear();
    }
    if (line.size() > 0) {
      parse(line.toString(UTF_8), handler);
    }
  }

  private static void parse(String text, Consumer<JsonNode> handler) {
    String trimmed = text.strip();
    if (trimmed.isEmpty()) {
      return;
    }
    JsonNode message;
    try {
      message = JSON.readTree(trimmed);
    } catch (JsonProcessingException e) {
      log.warn("ignoring a QMP message that is not JSON: {}", trimmed);
      return;
    }
    if (log.isTraceEnabled()) {
      log.trace("QMP <- {}", trimmed);
    }
    handler.accept(message);
  }
}
