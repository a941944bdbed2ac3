package org.genvmimage.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The client against a scripted server: routing, errors, framing, closing, retries. */
@Timeout(30)
class QmpClientTest {
  private static final Duration SHORT = Duration.ofSeconds(5);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private Path socket() {
    return dir.resolve("qmp.sock");
  }

  @Test
  void handshakeThenCommandsGetTheirReturnValue() throws IOException {
    try (FakeQmpServer server =
            FakeQmpServer.start(
                socket(), (s, c) -> s.reply(c, "{\"status\": \"running\", \"running\": true}"));
        QmpClient qmp = QmpClient.connect(server.socket(), SHORT)) {
      assertThat(qmp.greeting().path("QMP").path("version").path("qemu").path("major").asInt())
          .isEqualTo(7);
      assertThat(qmp.queryStatus()).isEqualTo("running");
      assertThat(server.received.get(0).path("execute").asText()).isEqualTo("qmp_capabilities");
      assertThat(server.received.get(1).path("execute").asText()).isEqualTo("query-status");
      assertThat(server.received.get(1).has("arguments")).isFalse();
    }
  }

  @Test
  void repliesAreRoutedByIdWhateverTheirOrder() throws Exception {
    List<JsonNode> held = new CopyOnWriteArrayList<>();
    try (FakeQmpServer server =
            FakeQmpServer.start(
                socket(),
                (s, c) -> {
                  held.add(c);
                  if (held.size() == 3) { // answer in reverse order, all in one write
                    StringBuilder all = new StringBuilder();
                    for (int i = 2; i >= 0; i--) {
                      JsonNode cmd = held.get(i);
                      all.append("{\"return\": {\"echo\": ")
                          .append(cmd.path("arguments").path("n"))
                          .append("}, \"id\": ")
                          .append(cmd.get("id"))
                          .append("}\r\n");
                    }
                    s.send(all.toString());
                  }
                });
        QmpClient qmp = QmpClient.connect(server.socket(), SHORT)) {
      List<CompletableFuture<JsonNode>> replies =
          List.of(
              qmp.send("echo", JSON.valueToTree(Map.of("n", 1))),
              qmp.send("echo", JSON.valueToTree(Map.of("n", 2))),
              qmp.send("echo", JSON.valueToTree(Map.of("n", 3))));

      for (int i = 0; i < 3; i++) {
        assertThat(replies.get(i).get(5, TimeUnit.SECONDS).path("echo").asInt()).isEqualTo(i + 1);
      }
    }
  }

  @Test
  void messagesSplitAnywhereAreReassembled() throws IOException {
    try (FakeQmpServer server =
            FakeQmpServer.start(
                socket(),
                (s, c) -> {
                  String event =
                      "{\"timestamp\": {\"seconds\": 1700000000, \"microseconds\": 5},"
                          + " \"event\": \"STOP\"}\r\n";
                  String reply =
                      "{\"return\": {\"ok\": \"a\\nb\"}, \"id\": " + c.get("id") + "}\r\n";
                  String all = event + reply;
                  for (int i = 0; i < all.length(); i += 7) {
                    s.send(all.substring(i, Math.min(all.length(), i + 7)));
                  }
                });
        QmpClient qmp = QmpClient.connect(server.socket(), SHORT)) {
      assertThat(qmp.execute("stop").path("ok").asText()).isEqualTo("a\nb");
      QmpEvent stop = qmp.awaitEvent("STOP", SHORT).orElseThrow();
      assertThat(stop.timestamp().getEpochSecond()).isEqualTo(1700000000L);
      assertThat(stop.timestamp().getNano()).isEqualTo(5000);
      assertThat(stop.data().isEmpty()).isTrue();
    }
  }

  @Test
  void anErrorReplyCarriesQemusDescriptionAndClass() throws IOException {
    try (FakeQmpServer server =
            FakeQmpServer.start(
                socket(),
                (s, c) ->
                    s.send(
                        "{\"id\": "
                            + c.get("id")
                            + ", \"error\": {\"class\": \"CommandNotFound\","
                            + " \"desc\": \"The command nope has not been found\"}}\r\n"));
        QmpClient qmp = QmpClient.connect(server.socket(), SHORT)) {
      QmpException e = catchThrowableOfType(QmpException.class, () -> qmp.execute("nope"));

      assertThat(e.getMessage()).isEqualTo("QMP nope failed: The command nope has not been found");
      assertThat(e.errorClass()).isEqualTo("CommandNotFound");
      assertThat(e.command()).isEqualTo("nope");
      assertThat(e.exitCode()).isEqualTo(ExitCode.TOOL_FAILED.code());
      assertThat(qmp.isOpen()).isTrue();
    }
  }

  @Test
  void noReplyInTimeFails() throws IOException {
    try (FakeQmpServer server = FakeQmpServer.start(socket(), (s, c) -> {});
        QmpClient qmp = QmpClient.connect(server.socket(), SHORT)) {
      QmpException e =
          catchThrowableOfType(
              QmpException.class, () -> qmp.execute("slow", Duration.ofMillis(200)));

      assertThat(e.getMessage()).isEqualTo("QMP slow: no reply within 0.2 s");
      assertThat(qmp.isOpen()).isTrue();
    }
  }

  @Test
  void aHangUpFailsPendingAndLaterCallsAtOnceAndEndsTheReader() throws Exception {
    try (FakeQmpServer server =
            FakeQmpServer.start(
                socket(),
                (s, c) -> {
                  if (c.path("execute").asText().equals("hang-up")) {
                    s.hangUp();
                  }
                });
        QmpClient qmp = QmpClient.connect(server.socket(), SHORT)) {
      CompletableFuture<JsonNode> pending = qmp.send("never-answered", null);
      long start = System.nanoTime();
      qmp.send("hang-up", null);

      QmpException e =
          catchThrowableOfType(
              QmpException.class, () -> qmp.execute("query-status", Duration.ofSeconds(20)));

      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
      // A killed QEMU may end the socket with EOF or with a reset; both are a hang-up.
      assertThat(e.getMessage()).matches(hangUp("query-status"));
      assertThat(pending)
          .failsWithin(Duration.ofSeconds(1))
          .withThrowableOfType(ExecutionException.class)
          .havingCause()
          .withMessageMatching(hangUp("never-answered"));
      assertThat(qmp.closed()).succeedsWithin(SHORT);
      assertThat(qmp.isOpen()).isFalse();
      assertThat(qmp.awaitEvent("SHUTDOWN", Duration.ofSeconds(20))).isEmpty();
      waitUntil(() -> !qmp.readerAlive());

      long later = System.nanoTime();
      assertThat(catchThrowableOfType(QmpException.class, () -> qmp.execute("cont")))
          .hasMessageMatching(hangUp("cont"));
      assertThat(Duration.ofNanos(System.nanoTime() - later)).isLessThan(Duration.ofSeconds(1));
    }
  }

  @Test
  void quitCountsAHangUpAsSuccess() throws IOException {
    try (FakeQmpServer server = FakeQmpServer.start(socket(), (s, c) -> s.hangUp());
        QmpClient qmp = QmpClient.connect(server.socket(), SHORT)) {
      qmp.quit(SHORT);

      assertThat(qmp.isOpen()).isFalse();
    }
  }

  @Test
  void eventsAreClaimedByNameAndListenersSeeAll() throws Exception {
    List<String> heard = new CopyOnWriteArrayList<>();
    try (FakeQmpServer server =
            FakeQmpServer.start(
                socket(),
                (s, c) -> {
                  s.send(
                      "{\"event\": \"STOP\", \"timestamp\": {\"seconds\": 1, \"microseconds\": 0}}\r\n");
                  s.send(
                      "{\"event\": \"SHUTDOWN\", \"data\": {\"guest\": true, \"reason\":"
                          + " \"guest-shutdown\"}, \"timestamp\": {\"seconds\": 2,"
                          + " \"microseconds\": 0}}\r\n");
                  s.send(
                      "{\"event\": \"STOP\", \"timestamp\": {\"seconds\": 3, \"microseconds\": 0}}\r\n");
                  s.reply(c, "{}");
                });
        QmpClient qmp = QmpClient.connect(server.socket(), SHORT)) {
      qmp.onEvent(e -> heard.add(e.name()));
      qmp.execute("go");

      QmpEvent shutdown = qmp.awaitEvent("SHUTDOWN", SHORT).orElseThrow();
      assertThat(shutdown.data().path("reason").asText()).isEqualTo("guest-shutdown");
      assertThat(qmp.awaitEvent("STOP", SHORT).orElseThrow().timestamp().getEpochSecond())
          .isEqualTo(1);
      assertThat(qmp.awaitEvent("STOP", SHORT).orElseThrow().timestamp().getEpochSecond())
          .isEqualTo(3);
      assertThat(qmp.awaitEvent("STOP", Duration.ofMillis(100))).isEmpty();
      waitUntil(() -> heard.size() == 3);
      assertThat(heard).containsExactly("STOP", "SHUTDOWN", "STOP");
    }
  }

  @Test
  void connectRetriesUntilTheSocketAppears() throws Exception {
    CompletableFuture<FakeQmpServer> late =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                Thread.sleep(400);
                return FakeQmpServer.start(socket(), (s, c) -> s.reply(c, "{}"));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });

    try (QmpClient qmp = QmpClient.connect(socket(), SHORT)) {
      assertThat(qmp.execute("anything").isEmpty()).isTrue();
    } finally {
      late.get().close();
    }
  }

  @Test
  void connectGivesUpAtTheTimeoutOrWhenToldTo() {
    GenVmException timeout =
        catchThrowableOfType(
            GenVmException.class, () -> QmpClient.connect(socket(), Duration.ofMillis(300)));
    assertThat(timeout.exitCode()).isEqualTo(ExitCode.TOOL_FAILED.code());
    assertThat(timeout.getMessage())
        .startsWith("cannot connect to QMP on " + socket() + " within 0.3 s: ");

    long start = System.nanoTime();
    GenVmException stop =
        catchThrowableOfType(
            GenVmException.class,
            () -> QmpClient.connect(socket(), Duration.ofSeconds(20), () -> false));
    assertThat(stop.getMessage()).startsWith("gave up connecting to QMP on " + socket());
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
  }

  @Test
  void aPathTooLongForAUnixSocketIsRejectedAtOnce() {
    Path tooLong = dir.resolve("x".repeat(200));

    assertThatThrownBy(() -> QmpClient.connect(tooLong, Duration.ofSeconds(20)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("unix socket paths are limited to 107 bytes");
  }

  @Test
  void manyThreadsShareOneConnection() throws Exception {
    Map<String, Integer> seen = new ConcurrentHashMap<>();
    try (FakeQmpServer server =
            FakeQmpServer.start(
                socket(),
                (s, c) -> {
                  s.send(
                      "{\"event\": \"TICK\", \"timestamp\": {\"seconds\": 1, \"microseconds\": 0}}\r\n");
                  s.reply(c, "{\"n\": " + c.path("arguments").path("n") + "}");
                });
        QmpClient qmp = QmpClient.connect(server.socket(), SHORT)) {
      java.util.concurrent.ExecutorService pool =
          java.util.concurrent.Executors.newFixedThreadPool(4);
      List<CompletableFuture<Void>> workers = new java.util.ArrayList<>();
      for (int t = 0; t < 4; t++) {
        int thread = t;
        workers.add(
            CompletableFuture.runAsync(
                () -> {
                  for (int i = 0; i < 200; i++) {
                    int n = thread * 1000 + i;
                    JsonNode r = qmp.execute("echo", JSON.valueToTree(Map.of("n", n)), SHORT);
                    assertThat(r.path("n").asInt()).isEqualTo(n);
                    seen.merge("ok", 1, Integer::sum);
                  }
                },
                pool));
      }
      CompletableFuture.allOf(workers.toArray(CompletableFuture[]::new)).get(20, TimeUnit.SECONDS);
      pool.shutdown();
      assertThat(seen).containsEntry("ok", 800);
    }
  }

  private static void waitUntil(java.util.function.BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("condition not met in time").isLessThan(deadline);
      Thread.sleep(20);
    }
  }

  private static String hangUp(String command) {
    return "QMP " + command + ": QEMU closed the QMP connection( \\(.+\\))?";
  }
}
