package org.genvmimage.qemu;

import java.nio.file.Path;
import java.time.Duration;

/**
 * A separate process for tests: starts a diskless TCG VM with QMP on {@code <socket>}, prints
 * {@code qemu <pid>}, and waits to be interrupted.
 */
public final class QemuVmMain {
  private QemuVmMain() {}

  public static void main(String[] args) throws InterruptedException {
    QemuVm vm =
        QemuVm.start(
            QemuSystemCommand.builder(EmulatorLocator.system().locate())
                .machine("pc")
                .cpus(1)
                .memoryMib(64)
                .entropy(false)
                .qmpSocket(Path.of(args[0]))
                .build(),
            Duration.ofSeconds(20));
    System.out.println("qemu " + vm.pid());
    System.out.flush();
    Thread.sleep(Long.MAX_VALUE);
  }
}
