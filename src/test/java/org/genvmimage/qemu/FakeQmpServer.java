package org.genvmimage.qemu;

import static java.nio.charset.StandardCharsets.UTF_8;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;

/**
 * A scripted QMP server on a unix socket, for client tests without QEMU: it sends the greeting,
 * answers {@code qmp_capabilities}, and hands every other command to the script, which answers
 * through {@link #send} (or not at all).
 */
final class FakeQmpServer implements AutoCloseable {
  static final String GREETING =
      "{\"QMP\": {\"version\": {\"qemu\": {\"micro\": 0, \"minor\": 2, \"major\": 7}},"
          + " \"capabilities\": [\"oob\"]}}\r\n";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Path socket;
  private final ServerSocketChannel server;
  private final Thread thread;
  private final BiConsumer<FakeQmpServer, JsonNode> script;
  final List<JsonNode> received = new CopyOnWriteArrayList<>();
  private volatile SocketChannel client;

  private FakeQmpServer(Path socket, BiConsumer<FakeQmpServer, JsonNode> script)
      throws IOException {
    this.socket = socket;
    this.script = script;
    this.server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(socket));
    this.thread = new Thread(this::serve, "fake-qmp");
    thread.setDaemon(true);
    thread.start();
  }

  static FakeQmpServer start(Path socket, BiConsumer<FakeQmpServer, JsonNode> script)
      throws IOException {
    return new FakeQmpServer(socket, script);
  }

  /** The socket the server listens on. */
  Path socket() {
    return socket;
  }

  /** Writes raw text to the client. */
  synchronized void send(String text) {
    try {
      ByteBuffer buffer = ByteBuffer.wrap(text.getBytes(UTF_8));
      while (buffer.hasRemaining()) {
        client.write(buffer);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Replies {@code {"return": <value>, "id": <id of command>}}. */
  void reply(JsonNode command, String returnJson) {
    send("{\"return\": " + returnJson + ", \"id\": " + command.get("id") + "}\r\n");
  }

  /** Closes the client connection (as QEMU does when it exits). */
  void hangUp() {
    try {
      client.close();
    } catch (IOException ignored) {
      // closed already
    }
  }

  private void serve() {
    try (SocketChannel c = server.accept()) {
      client = c;
      send(GREETING);
      ByteBuffer buffer = ByteBuffer.allocate(4096);
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      while (c.read(buffer) >= 0) {
        buffer.flip();
        while (buffer.hasRemaining()) {
          byte b = buffer.get();
          if (b != '\n') {
            line.write(b);
            continue;
          }
          JsonNode command = JSON.readTree(line.toString(UTF_8));
          line.reset();
          received.add(command);
          if (command.path("execute").asText().equals("qmp_capabilities")) {
            reply(command, "{}");
          } else {
            script.accept(this, command);
          }
        }
        buffer.clear();
      }
    } catch (IOException | RuntimeException e) {
      // the test hung up or closed the server
    }
  }

  @Override
  public void close() throws IOException {
    hangUp();
    server.close();
  }
}
