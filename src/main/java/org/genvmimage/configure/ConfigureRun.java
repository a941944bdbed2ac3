package org.genvmimage.configure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.genvmimage.cloudinit.CloudInitWatcher;
import org.genvmimage.cloudinit.LogTail;
import org.genvmimage.cloudinit.Seed;
import org.genvmimage.qemu.Accelerator;
import org.genvmimage.qemu.AcceleratorChoice;
import org.genvmimage.qemu.FirmwareChoice;
import org.genvmimage.qemu.ImageInfo;
import org.genvmimage.qemu.QemuSystemCommand;
import org.genvmimage.step.StepRunner;

/**
 * The state of one configure run (or dry run), filled in by the steps in order; what a step has not
 * reached is null.
 */
final class ConfigureRun implements StepRunner.Stoppable {
  final long startNanos;

  // Inspect
  ImageLock lock;
  ImageInfo imageInfo;
  Path emulator;
  AcceleratorChoice acceleration;
  Pattern finishedPattern;
  List<String> resetOperations;

  // Firmware
  FirmwareChoice firmware;

  // Seed
  Seed seed;
  GuestReset guestReset;

  // Overlay
  Path workDir;
  Path overlay;

  // Boot
  QemuSystemCommand command;
  ConfigureTools.Guest vm;
  LogTail tail;
  CloudInitWatcher watcher;

  // Reset (planned in a dry run)
  ConfigurePlan.Reset reset;

  // Commit
  Path flattened;

  ConfigureProgress progress;
  Duration seedTime;
  Duration bootToFinished;
  Duration powerOff;
  Duration resetTime;
  Duration commit;
  Duration total;

  ConfigureRun() {
    this(System.nanoTime());
  }

  ConfigureRun(long startNanos) {
    this.startNanos = startNanos;
  }

  /** Whether the guest runs under TCG (and virt-sysprep's appliance must too). */
  boolean tcg() {
    return acceleration.accelerator() != Accelerator.KVM;
  }

  @Override
  public boolean stopped() {
    return false;
  }
}
