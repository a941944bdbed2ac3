package org.genvmimage.qemu;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.process.LiveProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real emulator under TCG, with no disk: SeaBIOS finds nothing to boot and waits, which is all
 * that QMP needs. Each test takes a second or two.
 */
@Timeout(60)
class QemuVmTest {
  private static final Path EMULATOR = EmulatorLocator.system().locate();

  @TempDir Path dir;
  private final List<QemuVm> started = new ArrayList<>();

  private QemuSystemCommand.Builder machine() {
    return QemuSystemCommand.builder(EMULATOR)
        .accelerator(Accelerator.TCG)
        .cpuModel("max")
        .machine("pc")
        .cpus(1)
        .memoryMib(64)
        .entropy(false)
        .qmpSocket(dir.resolve("qmp.sock"))
        .serialLog(dir.resolve("serial.log"));
  }

  private QemuVm start(QemuSystemCommand.Builder builder) {
    QemuVm vm = QemuVm.start(builder.build(), Duration.ofSeconds(20));
    started.add(vm);
    return vm;
  }

  @AfterEach
  void noQemuRemains() {
    started.forEach(QemuVm::close);
    for (QemuVm vm : started) {
      assertThat(vm.process().isAlive()).as("QEMU pid %d", vm.pid()).isFalse();
    }
    assertThat(
            ProcessHandle.current()
                .descendants()
                .filter(ProcessHandle::isAlive)
                .map(p -> p.info().command().orElse(""))
                .filter(c -> c.contains("qemu") || c.endsWith("/kvm")))
        .isEmpty();
    assertThat(LiveProcesses.count()).isZero();
  }

  @Test
  void runsUntilPowerOffFallsBackToQuit() {
    QemuVm vm = start(machine());

    assertThat(vm.qmp().queryStatus()).isEqualTo("running");
    assertThat(vm.qmp().execute("query-kvm").path("enabled").asBoolean()).isFalse();
    assertThat(Files.exists(dir.resolve("serial.log"))).isTrue();

    // no guest OS handles the ACPI power button: after the grace period, quit ends QEMU
    QemuVm.PowerOff off = vm.powerOff(Duration.ofMillis(700));

    assertThat(off.ending()).isEqualTo(QemuVm.Ending.QUIT);
    assertThat(off.exitCode()).isZero();
    assertThat(off.shutdownReason()).isEqualTo("host-qmp-quit");
    assertThat(off.clean()).isFalse();
    assertThat(vm.isAlive()).isFalse();
    assertThat(vm.qmp().closed()).succeedsWithin(Duration.ofSeconds(5));
    assertThat(vm.powerOff(Duration.ofSeconds(1)).ending()).isEqualTo(QemuVm.Ending.ALREADY_EXITED);
  }

  @Test
  void quitEndsQemuAndItsQmpConnection() {
    QemuVm vm = start(machine());

    vm.qmp().quit(Duration.ofSeconds(10));

    assertThat(vm.awaitExit(Duration.ofSeconds(10))).isTrue();
    assertThat(vm.exitCode()).contains(0);
    assertThat(vm.qmp().closed()).succeedsWithin(Duration.ofSeconds(5));
    assertThat(vm.qmp().awaitEvent("SHUTDOWN", Duration.ofSeconds(1))).isPresent();
  }

  @Test
  void aSocketPathTooLongForUnixSocketsWorks() throws IOException {
    int pad = 210 - dir.toString().length();
    Path requested = dir.resolve("x".repeat(Math.max(pad, 120))).resolve("qemu-monitor-socket");
    assertThat(requested.toString().length()).isGreaterThan(200);

    QemuVm vm = start(machine().qmpSocket(requested));

    assertThat(vm.qmp().queryStatus()).isEqualTo("running");
    assertThat(vm.socket().linked()).isTrue();
    assertThat(Files.readSymbolicLink(requested)).isEqualTo(vm.socket().socket());
    assertThat(vm.command().qmpSocket()).contains(vm.socket().socket());
    vm.close();
    assertThat(Files.exists(requested, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(Files.exists(vm.socket().socket().getParent())).isFalse();
  }

  @Test
  void aBadArgumentFailsFastWithQemusMessage() {
    long start = System.nanoTime();
    GenVmException e =
        catchThrowableOfType(
            GenVmException.class,
            () -> start(machine().extraArguments(List.of("-no-such-option"))));

    assertThat(e.exitCode()).isEqualTo(ExitCode.TOOL_FAILED.code());
    assertThat(e.getMessage())
        .startsWith(EMULATOR + " -nodefaults")
        .contains(" exited with 1: ")
        .endsWith("-no-such-option: invalid option");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    assertThat(Files.exists(dir.resolve("qmp.sock"))).isFalse();
  }

  @Test
  void aMissingDiskFailsWithQemusMessage() {
    GenVmException e =
        catchThrowableOfType(
            GenVmException.class,
            () -> start(machine().disk(dir.resolve("missing.qcow2"), "qcow2")));

    assertThat(e.exitCode()).isEqualTo(ExitCode.TOOL_FAILED.code());
    assertThat(e.getMessage()).contains(" exited with 1: ").contains("missing.qcow2");
  }

  @Test
  void aMissingEmulatorIsToolMissing() {
    GenVmException e =
        catchThrowableOfType(
            GenVmException.class,
            () -> start(machine().emulator(dir.resolve("qemu-system-x86_64"))));

    assertThat(e.exitCode()).isEqualTo(ExitCode.TOOL_MISSING.code());
    assertThat(e.getMessage())
        .isEqualTo(
            dir.resolve("qemu-system-x86_64") + " not found: " + EmulatorLocator.MISSING_HINT);
  }

  @Test
  void concurrentCommandsWhileEventsArrive() throws Exception {
    QemuVm vm = start(machine());
    QmpClient qmp = vm.qmp();
    AtomicInteger stops = new AtomicInteger();
    AtomicInteger resumes = new AtomicInteger();
    AtomicInteger fromListener = new AtomicInteger();
    qmp.onEvent(
        event -> {
          switch (event.name()) {
            case "STOP" -> stops.incrementAndGet();
            case "RESUME" -> {
              resumes.incrementAndGet();
              qmp.execute("query-status"); // a listener may send commands
              fromListener.incrementAndGet();
            }
            default -> {}
          }
        });
    int rounds = 100;
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      CompletableFuture<Void> toggler =
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < rounds; i++) {
                  qmp.stop();
                  qmp.cont();
                }
              },
              pool);
      CompletableFuture<Void> querier =
          CompletableFuture.runAsync(
              () -> {
                for (int i = 0; i < 2 * rounds; i++) {
                  assertThat(qmp.queryStatus()).isIn("running", "paused");
                }
              },
              pool);
      CompletableFuture.allOf(toggler, querier).get(30, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }

    for (int i = 0; i < rounds; i++) {
      assertThat(qmp.awaitEvent("STOP", Duration.ofSeconds(5))).isPresent();
      assertThat(qmp.awaitEvent("RESUME", Duration.ofSeconds(5))).isPresent();
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (fromListener.get() < rounds && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(stops).hasValue(rounds);
    assertThat(resumes).hasValue(rounds);
    assertThat(fromListener).hasValue(rounds);
    assertThat(qmp.queryStatus()).isEqualTo("running");
  }

  @Test
  void whenQemuDiesPendingCallsFailAtOnceAndTheReaderEnds() throws Exception {
    QemuVm vm = start(machine());
    QmpClient qmp = vm.qmp();
    signal("STOP", vm.pid()); // QEMU freezes: the next call waits for a reply
    CompletableFuture<?> pending = qmp.send("query-status", null);
    Thread.sleep(200);
    assertThat(pending).isNotDone();

    long start = System.nanoTime();
    vm.kill();

    assertThat(pending)
        .failsWithin(Duration.ofSeconds(5))
        .withThrowableOfType(java.util.concurrent.ExecutionException.class)
        .havingCause()
        .isInstanceOf(QmpException.class)
        .withMessageStartingWith("QMP query-status: QEMU closed the QMP connection");
    assertThat(qmp.closed()).succeedsWithin(Duration.ofSeconds(5));
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (qmp.readerAlive() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(qmp.readerAlive()).isFalse();
    assertThat(catchThrowableOfType(QmpException.class, qmp::queryStatus).getMessage())
        .startsWith("QMP query-status: QEMU closed the QMP connection");
    assertThat(vm.exitedError().getMessage()).contains(" exited with 137");
  }

  @Test
  void closeEndsARunningQemu() {
    QemuVm vm = start(machine());
    long pid = vm.pid();

    vm.close();

    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
    assertThat(Files.exists(dir.resolve("qmp.sock"))).isFalse();
  }

  @Test
  void killAllEndsEveryRunningQemu() {
    QemuVm one = start(machine());
    QemuVm two = start(machine().qmpSocket(dir.resolve("two.sock")).serialLog(null));

    LiveProcesses.killAll();

    assertThat(one.isAlive()).isFalse();
    assertThat(two.isAlive()).isFalse();
  }

  @Test
  void theConfigureCommandLineIsAcceptedAsBuilt() throws Exception {
    Path disk = dir.resolve("over,lay.qcow2");
    Process img =
        new ProcessBuilder("qemu-img", "create", "-q", "-f", "qcow2", disk.toString(), "16M")
            .redirectErrorStream(true)
            .start();
    assertThat(img.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(img.exitValue()).isZero();
    Path seed = Files.write(dir.resolve("seed.img"), new byte[64 * 1024]);

    QemuVm vm =
        start(
            QemuSystemCommand.builder(EMULATOR)
                .acceleration(
                    AcceleratorChooser.forHost(EMULATOR).choose(Accelerator.AUTO, CpuModel.DEFAULT))
                .memoryMib(128)
                .disk(disk, "qcow2")
                .seed(seed)
                .networking(true)
                .qmpSocket(dir.resolve("qmp.sock"))
                .serialLog(dir.resolve("serial.log")));

    JsonNode blocks = vm.qmp().execute("query-block");
    List<String> devices = new ArrayList<>();
    for (JsonNode block : blocks) {
      JsonNode inserted = block.path("inserted");
      devices.add(
          block.path("removable").asBoolean()
              + " "
              + inserted.path("ro").asBoolean()
              + " "
              + inserted.path("drv").asText()
              + " "
              + inserted.path("cache").path("no-flush").asBoolean()
              + " "
              + Path.of(inserted.path("file").asText()).getFileName());
    }
    assertThat(devices)
        .containsExactlyInAnyOrder(
            "false false qcow2 true over,lay.qcow2", "true true raw false seed.img");
    List<String> pci = new ArrayList<>();
    for (JsonNode device : vm.qmp().execute("query-pci").path(0).path("devices")) {
      pci.add(
          String.format(
              "%04x:%04x",
              device.path("id").path("vendor").asInt(), device.path("id").path("device").asInt()));
    }
    // virtio (legacy ids): 1af4:1000 network, 1af4:1001 block, 1af4:1005 entropy
    assertThat(pci).contains("1af4:1000", "1af4:1001", "1af4:1005");
    assertThat(vm.powerOff(Duration.ofMillis(500)).ending()).isEqualTo(QemuVm.Ending.QUIT);
  }

  @Test
  void ctrlCLeavesNoQemuBehind() throws Exception {
    String javaCommand = ProcessHandle.current().info().command().orElse("java");
    Process jvm =
        new ProcessBuilder(
                javaCommand,
                "-cp",
                System.getProperty("java.class.path"),
                QemuVmMain.class.getName(),
                dir.resolve("main.sock").toString())
            .redirectErrorStream(true)
            .start();
    try {
      String first =
          new BufferedReader(new InputStreamReader(jvm.getInputStream(), UTF_8)).readLine();
      assertThat(first).startsWith("qemu ");
      ProcessHandle qemu = ProcessHandle.of(Long.parseLong(first.substring(5))).orElseThrow();
      assertThat(qemu.isAlive()).isTrue();

      signal("INT", jvm.pid());

      assertThat(jvm.waitFor(20, TimeUnit.SECONDS)).isTrue();
      assertThat(qemu.onExit()).succeedsWithin(Duration.ofSeconds(5));
      assertThat(qemu.isAlive()).isFalse();
    } finally {
      jvm.destroyForcibly();
    }
  }

  private static void signal(String name, long pid) throws Exception {
    Process kill = new ProcessBuilder("kill", "-" + name, Long.toString(pid)).start();
    assertThat(kill.waitFor(5, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }
}
