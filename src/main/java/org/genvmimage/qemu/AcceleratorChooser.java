package org.genvmimage.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Resolves {@link Accelerator#AUTO} to KVM or TCG for this host, and the CPU model to go with it.
 *
 * <p>AUTO picks KVM only when all of these hold, checked in this order (the first that fails is the
 * reason given for TCG):
 *
 * <ol>
 *   <li>{@code /dev/kvm} exists;
 *   <li>it is readable and writable by this user (otherwise: join the {@code kvm} group);
 *   <li>{@code /proc/cpuinfo} advertises {@code vmx} (Intel VT-x) or {@code svm} (AMD-V): without
 *       them there is no hardware virtualisation, and whatever serves {@code /dev/kvm} is software;
 *   <li>{@code /sys/module/kvm_intel} or {@code /sys/module/kvm_amd} exists, i.e. {@code /dev/kvm}
 *       is served by the hardware KVM modules (they appear there whether loaded as modules or built
 *       in, as both have parameters). Another provider, such as {@code kvm_pvm} (a paging-based KVM
 *       for guests without nested virtualisation), is a software KVM: it answers the KVM API, so a
 *       probe succeeds, yet it runs guests slowly and crashes with {@code -cpu host}. This check is
 *       skipped when {@code /sys/module} cannot be read at all (some containers), where the probe
 *       has the last word;
 *   <li>the probe succeeds: the emulator starts with {@code -accel kvm} and quits (this catches
 *       {@code /dev/kvm} held by another hypervisor, or denied by a security policy).
 * </ol>
 *
 * Under TCG the CPU model {@code host} (the default, or chosen) becomes {@code max}, since only KVM
 * can run {@code host}; any other model is kept. An explicit KVM or TCG is used as asked, without
 * checks: QEMU's own error is the clearest when it cannot be honoured.
 */
public final class AcceleratorChooser {
  /** Confirms that KVM starts; empty when it does, else why not (one line). */
  @FunctionalInterface
  public interface KvmProbe {
    Optional<String> failure();
  }

  /** A probe that always succeeds: the static checks alone decide. */
  public static final KvmProbe NO_PROBE = Optional::empty;

  /** The verdict on KVM for this host. */
  public record KvmVerdict(boolean usable, String reason) {}

  private static final Pattern FLAGS = Pattern.compile("^flags\\s*:(.*)$", Pattern.MULTILINE);
  private static final Set<String> HARDWARE_MODULES = Set.of("kvm_intel", "kvm_amd");

  private final Path devKvm;
  private final Path cpuinfo;
  private final Path sysModule;
  private final KvmProbe probe;
  private final Predicate<Path> readWrite;

  /**
   * @param devKvm the KVM device, {@code /dev/kvm} on a real host
   * @param cpuinfo {@code /proc/cpuinfo} on a real host
   * @param sysModule {@code /sys/module} on a real host
   * @param probe run last, when all static checks pass
   */
  public AcceleratorChooser(Path devKvm, Path cpuinfo, Path sysModule, KvmProbe probe) {
    this(devKvm, cpuinfo, sysModule, probe, p -> Files.isReadable(p) && Files.isWritable(p));
  }

  /** As the public constructor, with the access check injected (root passes every real one). */
  AcceleratorChooser(
      Path devKvm, Path cpuinfo, Path sysModule, KvmProbe probe, Predicate<Path> readWrite) {
    this.devKvm = devKvm;
    this.cpuinfo = cpuinfo;
    this.sysModule = sysModule;
    this.probe = probe;
    this.readWrite = readWrite;
  }

  /** A chooser for this host that confirms KVM by starting {@code emulator}. */
  public static AcceleratorChooser forHost(Path emulator) {
    return new AcceleratorChooser(
        Path.of("/dev/kvm"),
        Path.of("/proc/cpuinfo"),
        Path.of("/sys/module"),
        new QemuKvmProbe(emulator));
  }

  /** Resolves the request: AUTO by the rule above; KVM or TCG as asked. */
  public AcceleratorChoice choose(Accelerator requested, CpuModel cpu) {
    return switch (requested) {
      case KVM -> new AcceleratorChoice(Accelerator.KVM, cpu.name(), "using KVM (as asked)");
      case TCG -> tcg("using TCG (as asked)", cpu);
      case AUTO -> {
        KvmVerdict verdict = kvm();
        yield verdict.usable()
            ? new AcceleratorChoice(Accelerator.KVM, cpu.name(), verdict.reason())
            : tcg(verdict.reason(), cpu);
      }
    };
  }

  /** Whether KVM is usable here, and the one-line reason ("using KVM: …" / "using TCG: …"). */
  public KvmVerdict kvm() {
    if (!Files.exists(devKvm)) {
      return tcg(devKvm + " is missing");
    }
    if (!readWrite.test(devKvm)) {
      return tcg(
          devKvm + " is not readable and writable by this user (add the user to the kvm group)");
    }
    Optional<Set<String>> flags = cpuFlags();
    if (flags.isEmpty()) {
      return tcg("cannot read the CPU flags in " + cpuinfo);
    }
    if (!flags.get().contains("vmx") && !flags.get().contains("svm")) {
      return tcg("the CPU does not advertise vmx/svm (nested virtualisation off?)");
    }
    Optional<Set<String>> modules = kvmModules();
    String provider = "";
    if (modules.isPresent()) {
      List<String> hardware = new ArrayList<>(modules.get());
      hardware.retainAll(HARDWARE_MODULES);
      if (hardware.isEmpty()) {
        Set<String> others = new TreeSet<>(modules.get());
        others.remove("kvm");
        return tcg(
            others.isEmpty()
                ? "neither kvm_intel nor kvm_amd is loaded"
                : devKvm
                    + " is served by "
                    + String.join(", ", others)
                    + ", not kvm_intel or kvm_amd (a software KVM)");
      }
      provider = " (" + String.join(", ", hardware) + ")";
    }
    Optional<String> failure = probe.failure();
    if (failure.isPresent()) {
      return tcg("KVM does not start: " + failure.get());
    }
    return new KvmVerdict(true, "using KVM: " + devKvm + provider);
  }

  private static KvmVerdict tcg(String why) {
    return new KvmVerdict(false, "using TCG: " + why);
  }

  private static AcceleratorChoice tcg(String reason, CpuModel cpu) {
    if (cpu.isHost()) {
      return new AcceleratorChoice(
          Accelerator.TCG,
          CpuModel.MAX,
          reason + "; CPU model " + CpuModel.MAX + " instead of " + cpu.name() + " (KVM only)");
    }
    return new AcceleratorChoice(Accelerator.TCG, cpu.name(), reason);
  }

  /** The union of the flags lines, or empty when the file cannot be read. */
  private Optional<Set<String>> cpuFlags() {
    String text;
    try {
      text = Files.readString(cpuinfo, StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return Optional.empty();
    }
    Set<String> flags = new TreeSet<>();
    var matcher = FLAGS.matcher(text);
    while (matcher.find()) {
      for (String flag : matcher.group(1).strip().split("\\s+")) {
        if (!flag.isEmpty()) {
          flags.add(flag);
        }
      }
    }
    return Optional.of(flags);
  }

  /** The {@code kvm} and {@code kvm_*} entries of /sys/module, or empty when it is unreadable. */
  private Optional<Set<String>> kvmModules() {
    if (!Files.isDirectory(sysModule)) {
      return Optional.empty();
    }
    Set<String> found = new TreeSet<>();
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(sysModule, "kvm*")) {
      for (Path entry : entries) {
        String name = entry.getFileName().toString();
        if (name.equals("kvm") || name.startsWith("kvm_")) {
          found.add(name);
        }
      }
    } catch (IOException e) {
      return Optional.empty();
    }
    return Optional.of(found);
  }
}
