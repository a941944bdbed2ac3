package org.genvmimage.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AcceleratorChooserTest {
  private static final String INTEL =
      "processor\t: 0\nflags\t\t: fpu vme de pse tsc msr vmx ept sse2\n\n"
          + "processor\t: 1\nflags\t\t: fpu vme de pse tsc msr vmx ept sse2\n";
  private static final String AMD = "processor\t: 0\nflags\t\t: fpu sse2 svm npt lm\n";
  private static final String NO_VIRT = "processor\t: 0\nflags\t\t: fpu sse2 hypervisor lm\n";

  @TempDir Path dir;
  Path devKvm;
  Path cpuinfo;
  Path sysModule;
  final AtomicInteger probes = new AtomicInteger();

  @BeforeEach
  void host() throws IOException {
    devKvm = dir.resolve("dev-kvm");
    Files.writeString(devKvm, "");
    cpuinfo = dir.resolve("cpuinfo");
    Files.writeString(cpuinfo, INTEL);
    sysModule = Files.createDirectories(dir.resolve("module"));
    Files.createDirectories(sysModule.resolve("kvm"));
    Files.createDirectories(sysModule.resolve("kvm_intel/parameters"));
  }

  private AcceleratorChooser chooser() {
    return chooser(Optional.empty(), true);
  }

  private AcceleratorChooser chooser(Optional<String> probeFailure, boolean readWrite) {
    return new AcceleratorChooser(
        devKvm,
        cpuinfo,
        sysModule,
        () -> {
          probes.incrementAndGet();
          return probeFailure;
        },
        p -> readWrite);
  }

  @Test
  void aRealHardwareHostGetsKvmWithTheHostCpu() {
    AcceleratorChoice choice = chooser().choose(Accelerator.AUTO, CpuModel.DEFAULT);

    assertThat(choice)
        .isEqualTo(
            new AcceleratorChoice(
                Accelerator.KVM, "host", "using KVM: " + devKvm + " (kvm_intel)"));
    assertThat(probes).hasValue(1);
  }

  @Test
  void amdWithSvmAndKvmAmdGetsKvm() throws IOException {
    Files.writeString(cpuinfo, AMD);
    Files.delete(sysModule.resolve("kvm_intel/parameters"));
    Files.delete(sysModule.resolve("kvm_intel"));
    Files.createDirectories(sysModule.resolve("kvm_amd"));

    AcceleratorChoice choice = chooser().choose(Accelerator.AUTO, CpuModel.DEFAULT);

    assertThat(choice.accelerator()).isEqualTo(Accelerator.KVM);
    assertThat(choice.reason()).endsWith("(kvm_amd)");
  }

  @Test
  void missingDevKvm() throws IOException {
    Files.delete(devKvm);

    AcceleratorChoice choice = chooser().choose(Accelerator.AUTO, CpuModel.DEFAULT);

    assertThat(choice)
        .isEqualTo(
            new AcceleratorChoice(
                Accelerator.TCG,
                "max",
                "using TCG: " + devKvm + " is missing; CPU model max instead of host (KVM only)"));
    assertThat(probes).hasValue(0);
  }

  @Test
  void devKvmWithoutAccess() {
    AcceleratorChoice choice =
        chooser(Optional.empty(), false).choose(Accelerator.AUTO, CpuModel.DEFAULT);

    assertThat(choice.accelerator()).isEqualTo(Accelerator.TCG);
    assertThat(choice.reason())
        .startsWith(
            "using TCG: "
                + devKvm
                + " is not readable and writable by this user (add the user to the kvm group)");
  }

  @Test
  void noVmxOrSvm() throws IOException {
    Files.writeString(cpuinfo, NO_VIRT);

    assertThat(chooser().kvm())
        .isEqualTo(
            new AcceleratorChooser.KvmVerdict(
                false,
                "using TCG: the CPU does not advertise vmx/svm (nested virtualisation off?)"));
    assertThat(probes).hasValue(0);
  }

  @Test
  void unreadableCpuinfo() throws IOException {
    Files.delete(cpuinfo);

    assertThat(chooser().kvm().reason())
        .isEqualTo("using TCG: cannot read the CPU flags in " + cpuinfo);
  }

  @Test
  void aSoftwareKvmModuleIsNotTrustedEvenWithVmx() throws IOException {
    Files.delete(sysModule.resolve("kvm_intel/parameters"));
    Files.delete(sysModule.resolve("kvm_intel"));
    Files.createDirectories(sysModule.resolve("kvm_pvm"));

    assertThat(chooser().kvm().reason())
        .isEqualTo(
            "using TCG: "
                + devKvm
                + " is served by kvm_pvm, not kvm_intel or kvm_amd (a software KVM)");
    assertThat(probes).hasValue(0);
  }

  @Test
  void noVendorModuleAtAll() throws IOException {
    Files.delete(sysModule.resolve("kvm_intel/parameters"));
    Files.delete(sysModule.resolve("kvm_intel"));

    assertThat(chooser().kvm().reason())
        .isEqualTo("using TCG: neither kvm_intel nor kvm_amd is loaded");
  }

  @Test
  void withoutSysModuleTheProbeDecides() {
    sysModule = dir.resolve("no-sysfs");

    assertThat(chooser().kvm())
        .isEqualTo(new AcceleratorChooser.KvmVerdict(true, "using KVM: " + devKvm));
    assertThat(
            chooser(Optional.of("ioctl(KVM_CREATE_VM) failed: 16 Device or resource busy"), true)
                .kvm()
                .reason())
        .isEqualTo(
            "using TCG: KVM does not start: ioctl(KVM_CREATE_VM) failed: 16 Device or resource busy");
  }

  @Test
  void explicitAcceleratorsAreUsedWithoutChecks() throws IOException {
    Files.delete(devKvm);

    assertThat(chooser().choose(Accelerator.KVM, CpuModel.DEFAULT))
        .isEqualTo(new AcceleratorChoice(Accelerator.KVM, "host", "using KVM (as asked)"));
    assertThat(chooser().choose(Accelerator.TCG, CpuModel.explicit("qemu64")))
        .isEqualTo(new AcceleratorChoice(Accelerator.TCG, "qemu64", "using TCG (as asked)"));
    assertThat(probes).hasValue(0);
  }

  @ParameterizedTest(name = "[{index}] {0} cpu {1} (explicit {2}) -> {3} {4}")
  @CsvSource({
    // request, cpu model,        explicit, accelerator, -cpu
    "AUTO,      host,              false,    KVM,         host",
    "AUTO,      host,              true,     KVM,         host",
    "AUTO,      Skylake-Server,    true,     KVM,         Skylake-Server",
    "TCG,       host,              false,    TCG,         max",
    "TCG,       host,              true,     TCG,         max",
    "TCG,       'host,-hle',       true,     TCG,         max",
    "TCG,       qemu64,            true,     TCG,         qemu64",
    "TCG,       'EPYC,+svm',       true,     TCG,         'EPYC,+svm'",
    "TCG,       max,               true,     TCG,         max",
    "KVM,       host,              false,    KVM,         host",
    "KVM,       max,               true,     KVM,         max",
  })
  void cpuModelFollowsTheAccelerator(
      Accelerator request, String model, boolean explicit, Accelerator accel, String cpu) {
    AcceleratorChoice choice = chooser().choose(request, new CpuModel(model, explicit));

    assertThat(choice.accelerator()).isEqualTo(accel);
    assertThat(choice.cpuModel()).isEqualTo(cpu);
  }

  @Test
  void cpuModelFromTheOption() {
    assertThat(CpuModel.fromOption(null)).isEqualTo(CpuModel.DEFAULT);
    assertThat(CpuModel.fromOption(" ")).isEqualTo(CpuModel.DEFAULT);
    assertThat(CpuModel.fromOption("host")).isEqualTo(new CpuModel("host", true));
    assertThat(CpuModel.fromOption("max")).isEqualTo(new CpuModel("max", true));
  }

  @Test
  void acceleratorNames() {
    assertThat(Accelerator.parse(" Kvm ")).isEqualTo(Accelerator.KVM);
    assertThat(Accelerator.TCG.qemuName()).isEqualTo("tcg");
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> Accelerator.parse("hvf"))
        .hasMessage("unknown accelerator 'hvf' (expected auto, kvm or tcg)");
  }

  /**
   * The real host: the choice is stable, and without the hardware KVM modules (as on build machines
   * whose /dev/kvm is a software KVM) it is TCG with CPU max.
   */
  @Test
  void onThisMachineAutoIsDeterministic() {
    AcceleratorChooser real = AcceleratorChooser.forHost(EmulatorLocator.system().locate());

    AcceleratorChoice first = real.choose(Accelerator.AUTO, CpuModel.DEFAULT);
    AcceleratorChoice second = real.choose(Accelerator.AUTO, CpuModel.DEFAULT);

    System.out.println("this machine: " + first.reason());
    assertThat(second).isEqualTo(first);
    boolean hardwareKvm =
        Files.isDirectory(Path.of("/sys/module/kvm_intel"))
            || Files.isDirectory(Path.of("/sys/module/kvm_amd"));
    if (!hardwareKvm) {
      assertThat(first.accelerator()).isEqualTo(Accelerator.TCG);
      assertThat(first.cpuModel()).isEqualTo("max");
    }
  }

  @Test
  void theRealProbeReportsAnEmulatorThatCannotRun() {
    Optional<String> failure = new QemuKvmProbe(dir.resolve("no-such-qemu")).failure();

    assertThat(failure).hasValueSatisfying(m -> assertThat(m).endsWith("no-such-qemu not found"));
  }

  @Test
  void theRealProbeAnswersQuickly() {
    long start = System.nanoTime();
    Optional<String> failure = new QemuKvmProbe(EmulatorLocator.system().locate()).failure();

    System.out.println("KVM probe: " + failure.orElse("KVM starts"));
    assertThat(System.nanoTime() - start).isLessThan(QemuKvmProbe.LIMIT.toNanos() + 5_000_000_000L);
  }
}
