package org.genvmimage.qemu;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * The argument list of a {@code qemu-system-x86_64} run, built purely from its settings (no file
 * system access): the same settings always give the same list.
 *
 * <p>Decisions, in the order of the list:
 *
 * <ul>
 *   <li>{@code -nodefaults -no-user-config}: no default NIC, VGA, serial, CD-ROM or floppy, and no
 *       site configuration; every device is listed here.
 *   <li>{@code -accel kvm} or {@code -accel tcg} always, so that a {@code kvm} wrapper that enables
 *       KVM by default runs TCG when told to; {@code tcg,thread=multi} with more than one CPU (one
 *       host thread per vCPU; x86 guests on x86 hosts are safe for it).
 *   <li>{@code -machine} only when set: each distribution's default (i440fx on Debian, q35 on RHEL)
 *       is one that its emulator supports, and both attach the CD-ROM below.
 *   <li>UEFI firmware, when asked for, as two {@code if=pflash} drives: unit 0 the code ({@code
 *       readonly=on}), unit 1 the variables store; they work on both i440fx and q35 (a firmware
 *       that needs SMM, as Secure Boot builds do, would need q35 and is not used). No {@code
 *       bootindex}: with one, OVMF connects only the devices in the boot order, and the Debian
 *       cloud kernel then never sees the seed's IDE CD-ROM (cloud-init falls back to
 *       DataSourceNone); without, OVMF tries the CD-ROM, finds nothing to boot there, and boots the
 *       disk.
 *   <li>{@code -display none}; {@code -nic none} unless networking is asked for, then {@code -nic
 *       user,model=virtio-net-pci} (user-mode NAT, nothing on the host listens).
 *   <li>The disk as virtio-blk, {@code cache=unsafe} by default: the disk is an overlay that is
 *       committed only after QEMU has exited cleanly, and QEMU flushes everything on exit, so
 *       ignoring the guest's flush requests costs nothing and saves much time for package installs.
 *       A crash of the host mid-run loses only the overlay, which would be discarded anyway.
 *   <li>The NoCloud seed read-only as a CD-ROM ({@code media=cdrom}, IDE on both default machines),
 *       {@code format=raw} so that QEMU never probes it.
 *   <li>A virtio RNG fed by {@code /dev/urandom}: first boots generate SSH host keys, and a guest
 *       short of entropy can stall there.
 *   <li>QMP on a unix socket ({@code server=on,wait=off}: QEMU starts the guest without waiting for
 *       a client) and the serial console to a file, both as {@code -chardev} so that paths are
 *       escaped the same way.
 *   <li>Reboots are allowed by default: cloud-init may reboot on purpose (after a kernel update,
 *       {@code power_state}), and {@code -no-reboot} would turn that into QEMU exiting, ending the
 *       run early. It can be asked for (tests, one-shot boots).
 * </ul>
 *
 * Paths in {@code key=value} option values have their commas doubled, as QEMU's option syntax
 * requires; relative paths get a leading {@code ./} so that QEMU can read them neither as options
 * nor as {@code protocol:} names.
 */
public final class QemuSystemCommand {
  /** The disk cache modes accepted by {@link Builder#diskCache}. */
  public static final List<String> CACHE_MODES =
      List.of("unsafe", "writeback", "none", "writethrough", "directsync");

  private static final Pattern WORD = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]*");

  private final Path emulator;
  private final Accelerator accelerator;
  private final String cpuModel;
  private final int cpus;
  private final int memoryMib;
  private final String machine;
  private final Pflash pflash;
  private final Path disk;
  private final String diskFormat;
  private final String diskCache;
  private final Path seed;
  private final Path qmpSocket;
  private final Path serialLog;
  private final boolean networking;
  private final boolean allowReboot;
  private final boolean entropy;
  private final List<String> extra;

  private QemuSystemCommand(Builder b) {
    this.emulator = Objects.requireNonNull(b.emulator, "emulator");
    this.accelerator = Objects.requireNonNull(b.accelerator, "accelerator");
    if (accelerator == Accelerator.AUTO) {
      throw new IllegalArgumentException("resolve AUTO with AcceleratorChooser first");
    }
    this.cpuModel = Objects.requireNonNull(b.cpuModel, "cpuModel");
    if (cpuModel.isBlank() || cpuModel.startsWith("-")) {
      throw new IllegalArgumentException("invalid CPU model: '" + cpuModel + "'");
    }
    if (b.cpus < 1) {
      throw new IllegalArgumentException("cpus must be at least 1: " + b.cpus);
    }
    this.cpus = b.cpus;
    if (b.memoryMib < 16) {
      throw new IllegalArgumentException("memory must be at least 16 MiB: " + b.memoryMib);
    }
    this.memoryMib = b.memoryMib;
    this.machine = b.machine;
    if (machine != null && !WORD.matcher(machine).matches()) {
      throw new IllegalArgumentException("invalid machine type: '" + machine + "'");
    }
    this.pflash = b.pflash;
    this.disk = b.disk;
    this.diskFormat = b.diskFormat;
    if (!WORD.matcher(diskFormat).matches()) {
      throw new IllegalArgumentException("invalid disk format: '" + diskFormat + "'");
    }
    this.diskCache = b.diskCache;
    if (!CACHE_MODES.contains(diskCache)) {
      throw new IllegalArgumentException(
          "invalid cache mode: '" + diskCache + "' (expected one of " + CACHE_MODES + ")");
    }
    this.seed = b.seed;
    this.qmpSocket = b.qmpSocket;
    this.serialLog = b.serialLog;
    this.networking = b.networking;
    this.allowReboot = b.allowReboot;
    this.entropy = b.entropy;
    this.extra = List.copyOf(b.extra);
  }

  /** A builder with the defaults: TCG, CPU {@code max}, 2 CPUs, 2048 MiB, no devices. */
  public static Builder builder(Path emulator) {
    return new Builder(emulator);
  }

  /** A builder holding this command's settings. */
  public Builder toBuilder() {
    Builder b = new Builder(emulator);
    b.accelerator = accelerator;
    b.cpuModel = cpuModel;
    b.cpus = cpus;
    b.memoryMib = memoryMib;
    b.machine = machine;
    b.pflash = pflash;
    b.disk = disk;
    b.diskFormat = diskFormat;
    b.diskCache = diskCache;
    b.seed = seed;
    b.qmpSocket = qmpSocket;
    b.serialLog = serialLog;
    b.networking = networking;
    b.allowReboot = allowReboot;
    b.entropy = entropy;
    b.extra.addAll(extra);
    return b;
  }

  /** This command with QMP on {@code socket} instead. */
  public QemuSystemCommand withQmpSocket(Path socket) {
    return toBuilder().qmpSocket(socket).build();
  }

  public Path emulator() {
    return emulator;
  }

  public Accelerator accelerator() {
    return accelerator;
  }

  public String cpuModel() {
    return cpuModel;
  }

  public Optional<Path> qmpSocket() {
    return Optional.ofNullable(qmpSocket);
  }

  public Optional<Path> serialLog() {
    return Optional.ofNullable(serialLog);
  }

  /** The UEFI firmware drives, or empty for QEMU's default firmware (BIOS). */
  public Optional<Pflash> pflash() {
    return Optional.ofNullable(pflash);
  }

  /**
   * UEFI firmware on two pflash drives: the code read-only, and a variables store that the guest
   * writes (each run's own copy of the firmware's template).
   */
  public record Pflash(Path code, String codeFormat, Path vars, String varsFormat) {
    public Pflash {
      Objects.requireNonNull(code, "code");
      Objects.requireNonNull(vars, "vars");
      for (String format : List.of(codeFormat, varsFormat)) {
        if (format == null || !WORD.matcher(format).matches()) {
          throw new IllegalArgumentException("invalid firmware format: '" + format + "'");
        }
      }
    }
  }

  /** The argument list, program first. */
  public List<String> arguments() {
    List<String> a = new ArrayList<>();
    a.add(emulator.toString());
    a.add("-nodefaults");
    a.add("-no-user-config");
    a.add("-accel");
    a.add(accelerator == Accelerator.TCG && cpus > 1 ? "tcg,thread=multi" : accelerator.qemuName());
    if (machine != null) {
      a.add("-machine");
      a.add(machine);
    }
    a.add("-cpu");
    a.add(cpuModel);
    a.add("-smp");
    a.add(Integer.toString(cpus));
    a.add("-m");
    a.add(memoryMib + "M");
    if (pflash != null) {
      a.add("-drive");
      a.add(
          "if=pflash,unit=0,format="
              + pflash.codeFormat()
              + ",readonly=on,file="
              + value(pflash.code()));
      a.add("-drive");
      a.add("if=pflash,unit=1,format=" + pflash.varsFormat() + ",file=" + value(pflash.vars()));
    }
    a.add("-display");
    a.add("none");
    a.add("-nic");
    a.add(networking ? "user,model=virtio-net-pci" : "none");
    if (disk != null) {
      a.add("-drive");
      a.add("file=" + value(disk) + ",if=virtio,format=" + diskFormat + ",cache=" + diskCache);
    }
    if (seed != null) {
      a.add("-drive");
      a.add("file=" + value(seed) + ",media=cdrom,readonly=on,format=raw");
    }
    if (entropy) {
      a.add("-object");
      a.add("rng-random,id=rng0,filename=/dev/urandom");
      a.add("-device");
      a.add("virtio-rng-pci,rng=rng0");
    }
    if (qmpSocket != null) {
      a.add("-chardev");
      a.add("socket,id=qmp,path=" + value(qmpSocket) + ",server=on,wait=off");
      a.add("-mon");
      a.add("chardev=qmp,mode=control");
    }
    if (serialLog != null) {
      a.add("-chardev");
      a.add("file,id=serial0,path=" + value(serialLog));
      a.add("-serial");
      a.add("chardev:serial0");
    }
    if (!allowReboot) {
      a.add("-no-reboot");
    }
    a.addAll(extra);
    return List.copyOf(a);
  }

  /**
   * A path as a QEMU option value: relative ones get {@code ./}, commas are doubled.
   *
   * <p>{@code /a,b} becomes {@code /a,,b}; {@code nbd:x} becomes {@code ./nbd:x}.
   */
  static String value(Path path) {
    String text = path.toString();
    if (!path.isAbsolute()) {
      text = "./" + text;
    }
    return text.replace(",", ",,");
  }

  @Override
  public String toString() {
    return String.join(" ", arguments());
  }

  /** Settings for a {@link QemuSystemCommand}; unset parts keep the documented defaults. */
  public static final class Builder {
    private Path emulator;
    private Accelerator accelerator = Accelerator.TCG;
    private String cpuModel = CpuModel.MAX;
    private int cpus = 2;
    private int memoryMib = 2048;
    private String machine;
    private Pflash pflash;
    private Path disk;
    private String diskFormat = "qcow2";
    private String diskCache = "unsafe";
    private Path seed;
    private Path qmpSocket;
    private Path serialLog;
    private boolean networking;
    private boolean allowReboot = true;
    private boolean entropy = true;
    private final List<String> extra = new ArrayList<>();

    private Builder(Path emulator) {
      this.emulator = Objects.requireNonNull(emulator);
    }

    public Builder emulator(Path program) {
      this.emulator = Objects.requireNonNull(program);
      return this;
    }

    /** KVM or TCG (resolve AUTO first). */
    public Builder accelerator(Accelerator value) {
      this.accelerator = value;
      return this;
    }

    /** The {@code -cpu} model (default {@code max}). */
    public Builder cpuModel(String model) {
      this.cpuModel = model;
      return this;
    }

    /** The accelerator and CPU model that {@link AcceleratorChooser} chose. */
    public Builder acceleration(AcceleratorChoice choice) {
      this.accelerator = choice.accelerator();
      this.cpuModel = choice.cpuModel();
      return this;
    }

    /** The number of virtual CPUs (default 2). */
    public Builder cpus(int count) {
      this.cpus = count;
      return this;
    }

    /** The guest memory in MiB (default 2048). */
    public Builder memoryMib(int mib) {
      this.memoryMib = mib;
      return this;
    }

    /** The machine type, e.g. {@code pc} or {@code q35}; null (default) for QEMU's default. */
    public Builder machine(String type) {
      this.machine = type;
      return this;
    }

    /** UEFI firmware drives; null (default) for QEMU's default firmware (BIOS). */
    public Builder pflash(Pflash drives) {
      this.pflash = drives;
      return this;
    }

    /** The boot disk, attached as virtio-blk; null (default) for none. */
    public Builder disk(Path image, String format) {
      this.disk = image;
      this.diskFormat = Objects.requireNonNull(format);
      return this;
    }

    /** The disk's cache mode, one of {@link #CACHE_MODES} (default {@code unsafe}). */
    public Builder diskCache(String mode) {
      this.diskCache = Objects.requireNonNull(mode);
      return this;
    }

    /** The NoCloud seed image, attached read-only as a CD-ROM; null (default) for none. */
    public Builder seed(Path iso) {
      this.seed = iso;
      return this;
    }

    /** Where QEMU listens for QMP (a unix socket); null (default) for no QMP. */
    public Builder qmpSocket(Path socket) {
      this.qmpSocket = socket;
      return this;
    }

    /** The file that receives the serial console; null (default) for none. */
    public Builder serialLog(Path file) {
      this.serialLog = file;
      return this;
    }

    /** Whether the guest gets a user-mode network (default false: {@code -nic none}). */
    public Builder networking(boolean on) {
      this.networking = on;
      return this;
    }

    /** Whether a guest reboot restarts the guest (default) or ends QEMU ({@code -no-reboot}). */
    public Builder allowReboot(boolean allow) {
      this.allowReboot = allow;
      return this;
    }

    /** Whether the guest gets a virtio RNG (default true). */
    public Builder entropy(boolean on) {
      this.entropy = on;
      return this;
    }

    /** Arguments appended as given, after all others. */
    public Builder extraArguments(List<String> arguments) {
      this.extra.addAll(arguments);
      return this;
    }

    /**
     * @throws IllegalArgumentException when a setting is invalid
     */
    public QemuSystemCommand build() {
      return new QemuSystemCommand(this);
    }
  }
}
