package org.genvmimage.configure;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Stream;
import org.genvmimage.cloudinit.CloudInitWatcher;
import org.genvmimage.cloudinit.LogTail;
import org.genvmimage.cloudinit.Seed;
import org.genvmimage.cloudinit.SeedBuilder;
import org.genvmimage.console.Console;
import org.genvmimage.console.Units;
import org.genvmimage.core.DaemonThreads;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.FileSync;
import org.genvmimage.core.Folders;
import org.genvmimage.core.GenVmException;
import org.genvmimage.core.IoErrors;
import org.genvmimage.process.ProcessRunner;
import org.genvmimage.qemu.AcceleratorChoice;
import org.genvmimage.qemu.AcceleratorChooser;
import org.genvmimage.qemu.CpuModel;
import org.genvmimage.qemu.EmulatorLocator;
import org.genvmimage.qemu.ImageInfo;
import org.genvmimage.qemu.QemuImg;
import org.genvmimage.qemu.QemuSystemCommand;
import org.genvmimage.qemu.QemuVm;
import org.genvmimage.qemu.QmpSocketPath;
import org.genvmimage.qemu.RealQemuImg;
import org.genvmimage.step.Step;
import org.genvmimage.step.StepRunner;

/**
 * Configures one image, in steps: Inspect -> Seed -> Overlay -> Boot -> AwaitCloudInit -> PowerOff
 * -> Reset -> Commit. The guest runs on a qcow2 overlay; virt-sysprep works on the overlay too;
 * only the last step writes the result beside the image and renames it over the image. A failure, a
 * timeout or Ctrl-C at any point leaves the image byte for byte as it was, and no qemu running.
 */
public final class Configurator {
  /** How long the guest gets to shut down after the ACPI power button, before {@code quit}. */
  static final Duration POWER_OFF_GRACE = Duration.ofSeconds(60);

  /** Lines of the guest console quoted in errors. */
  static final int CONSOLE_TAIL_LINES = 12;

  private final ConfigureSettings settings;
  private final Console console;
  private final QemuImg qemuImg;
  private final ProcessRunner runner = new ProcessRunner();
  private volatile Thread worker;
  private volatile Run current;
  private volatile boolean cancelled;
  private volatile boolean timedOut;

  public Configurator(ConfigureSettings settings, Console console) {
    this.settings = settings;
    this.console = console;
    this.qemuImg = new RealQemuImg(runner, RealQemuImg.executableFromEnvironment());
  }

  /** The state of one run, filled in by the steps in order. */
  static final class Run implements StepRunner.Stoppable {
    final long startNanos = System.nanoTime();
    ImageInfo imageInfo;
    FileChannel lockChannel;
    FileLock lock;
    AcceleratorChoice acceleration;
    Path emulator;
    Path workDir;
    Path overlay;
    Path flattened;
    QemuVm vm;
    LogTail tail;
    CloudInitWatcher watcher;
    Pattern finishedPattern;
    List<String> resetOperations;
    ConfigureProgress progress;
    Duration seed;
    Duration bootToFinished;
    Duration powerOff;
    Duration reset;
    Duration commit;
    Duration total;

    @Override
    public boolean stopped() {
      return false;
    }
  }

  /**
   * Runs the whole configure on the calling thread.
   *
   * @throws GenVmException with the exit code of the failure
   */
  public ConfigureResult run() {
    worker = Thread.currentThread();
    Run run = new Run();
    current = run;
    ScheduledExecutorService timer =
        Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("configure-timeout"));
    timer.schedule(
        () -> {
          timedOut = true;
          worker.interrupt();
        },
        settings.timeout().toMillis(),
        TimeUnit.MILLISECONDS);
    run.progress = new ConfigureProgress(console, settings.image(), run.startNanos);
    try {
      StepRunner.run(steps(), run);
      run.total = Duration.ofNanos(System.nanoTime() - run.startNanos);
      return result(run);
    } catch (GenVmException e) {
      throw classify(e, run);
    } catch (InterruptedException e) {
      throw classify(new GenVmException(ExitCode.INTERRUPTED, "interrupted", e), run);
    } catch (IOException e) {
      throw classify(new GenVmException(ExitCode.TOOL_FAILED, IoErrors.reason(e), e), run);
    } catch (Exception e) {
      throw classify(new GenVmException(ExitCode.INTERNAL, "unexpected error: " + e, e), run);
    } finally {
      run.progress.close();
      if (run.total == null) {
        run.total = Duration.ofNanos(System.nanoTime() - run.startNanos);
      }
      timer.shutdownNow();
      Thread.interrupted();
    }
  }

  /**
   * What the last {@link #run()} found and how long its steps took, also when it failed (what it
   * did not reach is null); empty before a run.
   */
  public Optional<ConfigureResult> result() {
    Run run = current;
    return run == null ? Optional.empty() : Optional.of(result(run));
  }

  private ConfigureResult result(Run run) {
    CloudInitWatcher watcher = run.watcher;
    return new ConfigureResult(
        settings.image(),
        run.imageInfo == null ? null : run.imageInfo.format(),
        run.imageInfo == null ? null : run.imageInfo.virtualSize(),
        run.acceleration == null ? null : run.acceleration.accelerator().name(),
        watcher == null ? null : watcher.version().orElse(null),
        watcher == null ? null : watcher.datasource().orElse(null),
        watcher == null ? List.of() : watcher.stages(),
        watcher == null
            ? null
            : watcher
                .finished()
                .map(CloudInitWatcher.Finished::uptime)
                .map(u -> u.toMillis() / 1000.0)
                .orElse(null),
        run.seed,
        run.bootToFinished,
        run.powerOff,
        run.reset,
        run.commit,
        run.total,
        watcher == null ? List.of() : watcher.problems(),
        settings.serialLog());
  }

  /**
   * What a run would do, for {@code --dry-run}: the same checks as a run makes before it boots
   * (image, emulator, accelerator, cloud-init files, {@code --finished-pattern}, QMP socket path,
   * virt-sysprep operations) with the same exit codes, and nothing written: no lock, seed, overlay,
   * socket or console log.
   *
   * @throws GenVmException with the exit code a run would end with
   */
  public ConfigurePlan plan() {
    Run run = new Run();
    try {
      inspect(run, false);
    } catch (IOException e) {
      throw new GenVmException(ExitCode.TOOL_FAILED, IoErrors.reason(e), e);
    }
    Seed seed = seed();
    if (Files.isDirectory(settings.seedOutput(), LinkOption.NOFOLLOW_LINKS)) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT,
          settings.seedOutput() + ": is a folder; the seed output must be a file path");
    }
    run.workDir = workDir();
    run.overlay = run.workDir.resolve("overlay.qcow2");
    Path socket = settings.qmpSocket().toAbsolutePath().normalize();
    boolean linked = !QmpSocketPath.fits(socket);
    QemuSystemCommand command = qemuCommand(run);
    if (!linked) {
      command = command.withQmpSocket(socket); // as QemuVm.start passes it
    }
    return new ConfigurePlan(
        settings.image(),
        run.imageInfo,
        run.acceleration,
        run.emulator,
        command.arguments(),
        settings.seedOutput(),
        seed.imageSize(),
        seed.files(),
        seed.warnings(),
        run.overlay,
        socket,
        linked,
        settings.serialLog(),
        settings.reset()
            ? new ConfigurePlan.Reset(
                VirtSysprep.command(
                    "virt-sysprep", run.overlay, "qcow2", settings.resetOperations()),
                VirtSysprep.environment(tcg(run)),
                run.resetOperations)
            : null,
        settings.image());
  }

  /** Ctrl-C: stops the run; it cleans up and ends with INTERRUPTED. */
  public void cancel() {
    cancelled = true;
    Thread t = worker;
    if (t != null) {
      t.interrupt();
    }
  }

  private GenVmException classify(GenVmException e, Run run) {
    if (timedOut) {
      return new GenVmException(
          ExitCode.CONFIGURE_FAILED,
          "timed out after "
              + Units.duration(settings.timeout())
              + " (--timeout); the image is unchanged"
              + consoleTail(run),
          e);
    }
    if (cancelled) {
      return new GenVmException(ExitCode.INTERRUPTED, "interrupted; the image is unchanged", e);
    }
    return e;
  }

  private String consoleTail(Run run) {
    List<String> lines = tailLines(settings.serialLog(), CONSOLE_TAIL_LINES);
    if (lines.isEmpty()) {
      return "; the guest console (" + settings.serialLog() + ") is empty";
    }
    return "; the guest console ("
        + settings.serialLog()
        + ") ends with:\n  "
        + String.join("\n  ", lines);
  }

  /** The last non-empty lines of a console log, without terminal escapes. */
  static List<String> tailLines(Path log, int count) {
    try {
      if (!Files.isRegularFile(log)) {
        return List.of();
      }
      long size = Files.size(log);
      byte[] bytes;
      try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
        long from = Math.max(0, size - 16 * 1024);
        java.nio.ByteBuffer buffer = java.nio.ByteBuffer.allocate((int) (size - from));
        ch.read(buffer, from);
        bytes = buffer.array();
      }
      String text = new String(bytes, StandardCharsets.UTF_8);
      List<String> lines = new ArrayList<>();
      for (String line : text.split("[\r\n]+")) {
        String clean = CloudInitWatcher.clean(line).strip();
        if (!clean.isEmpty()) {
          lines.add(clean);
        }
      }
      return lines.subList(Math.max(0, lines.size() - count), lines.size());
    } catch (IOException e) {
      return List.of();
    }
  }

  List<Step<Run>> steps() {
    return List.of(
        new InspectStep(),
        new SeedStep(),
        new OverlayStep(),
        new BootStep(),
        new AwaitStep(),
        new PowerOffStep(),
        new ResetStep(),
        new CommitStep());
  }

  /** Checks the image, takes its lock, chooses the emulator and accelerator. */
  final class InspectStep implements Step<Run> {
    @Override
    public String name() {
      return "inspect";
    }

    @Override
    public void run(Run run) throws IOException {
      inspect(run, true);
      console.info(run.acceleration.describe());
    }

    @Override
    public void cleanup(Run run) {
      closeLock(run);
    }
  }

  /** Writes the NoCloud seed (ISO 9660, label cidata). */
  final class SeedStep implements Step<Run> {
    @Override
    public String name() {
      return "seed";
    }

    @Override
    public void run(Run run) throws IOException {
      long start = System.nanoTime();
      Seed seed = seed();
      seed.write(settings.seedOutput());
      console.debug("seed " + settings.seedOutput() + ":");
      seed.describe().forEach(line -> console.debug("  " + line));
      run.seed = Duration.ofNanos(System.nanoTime() - start);
    }
  }

  /** Creates the qcow2 overlay the guest writes to; the image itself is only read. */
  final class OverlayStep implements Step<Run> {
    @Override
    public String name() {
      return "overlay";
    }

    @Override
    public void run(Run run) throws IOException {
      run.workDir = workDir();
      deleteTree(run.workDir); // left by a run that was killed; the lock is ours
      Files.createDirectory(run.workDir);
      run.overlay = run.workDir.resolve("overlay.qcow2");
      qemuImg.createOverlay(run.overlay, settings.image(), run.imageInfo.format());
    }

    @Override
    public void cleanup(Run run) {
      deleteTree(run.workDir);
    }
  }

  /** Starts QEMU on the overlay, with the seed as CD-ROM, QMP and the console log. */
  final class BootStep implements Step<Run> {
    @Override
    public String name() {
      return "boot";
    }

    @Override
    public void run(Run run) throws IOException {
      Path log = settings.serialLog();
      Files.createDirectories(Folders.of(log));
      Files.deleteIfExists(log);
      Files.createFile(log);
      Path socket = settings.qmpSocket();
      Files.createDirectories(Folders.of(socket));
      if (Files.exists(socket, LinkOption.NOFOLLOW_LINKS)
          && !Files.isRegularFile(socket, LinkOption.NOFOLLOW_LINKS)
          && !Files.isDirectory(socket)) {
        Files.delete(socket); // a socket or link left by a run that was killed
      }
      QemuSystemCommand command = qemuCommand(run);
      console.debug("starting: " + command);
      run.watcher = new CloudInitWatcher(run.finishedPattern, new StageProgress(run));
      boolean echo = console.verbosity() == Console.Verbosity.VERBOSE;
      run.tail =
          LogTail.start(
              log,
              line -> {
                if (echo) {
                  console.debug("console: " + CloudInitWatcher.clean(line));
                }
                run.watcher.accept(line);
              });
      console.info(
          "booting "
              + settings.image()
              + " (console: "
              + log
              + ", "
              + run.acceleration.accelerator().name()
              + ")");
      run.progress.step("booting");
      run.vm = QemuVm.start(command);
    }

    @Override
    public void cleanup(Run run) {
      stopVm(run);
    }
  }

  /** Waits for cloud-init's final message, or for the guest to power itself off. */
  final class AwaitStep implements Step<Run> {
    @Override
    public String name() {
      return "await cloud-init";
    }

    @Override
    public void run(Run run) throws InterruptedException {
      long bootNanos = System.nanoTime();
      try {
        while (true) {
          if (run.watcher.finished().isPresent()) {
            break;
          }
          if (run.watcher.guestFailure().isPresent()) {
            throw new GenVmException(
                ExitCode.CONFIGURE_FAILED,
                "the guest failed: " + run.watcher.guestFailure().get() + consoleTail(run));
          }
          if (!run.vm.isAlive()) {
            run.tail.close();
            int exit = run.vm.exitCode().orElse(-1);
            if (exit == 0) {
              if (run.watcher.finished().isEmpty()) {
                console.warn(
                    "the guest powered off before cloud-init's final message was seen on the"
                        + " console; taking it as done");
              }
              break;
            }
            throw new GenVmException(
                ExitCode.CONFIGURE_FAILED,
                "qemu ended unexpectedly ("
                    + run.vm.exitedError().getMessage()
                    + ")"
                    + consoleTail(run));
          }
          Thread.sleep(200);
        }
      } finally {
        run.progress.step(null);
      }
      run.bootToFinished = Duration.ofNanos(System.nanoTime() - bootNanos);
      if (run.watcher.finished().map(f -> f.line().contains("DataSourceNone")).orElse(false)) {
        throw new GenVmException(
            ExitCode.CONFIGURE_FAILED,
            "cloud-init finished without reading the seed (Datasource DataSourceNone): the guest"
                + " did not see the cidata CD-ROM (does its kernel have ata_piix, sr_mod and"
                + " isofs?); the image is unchanged"
                + consoleTail(run));
      }
      for (String problem : run.watcher.problems()) {
        console.warn("cloud-init: " + problem);
      }
      if (run.watcher.moreProblems() > 0) {
        console.warn(
            "cloud-init: "
                + run.watcher.moreProblems()
                + " more problems in "
                + settings.serialLog());
      }
      console.info(
          "cloud-init "
              + run.watcher.version().orElse("")
              + " finished after "
              + Units.duration(run.bootToFinished)
              + run.watcher
                  .finished()
                  .map(f -> f.uptime())
                  .map(
                      u ->
                          String.format(
                              Locale.ROOT, " (guest uptime %.1f s)", u.toMillis() / 1000.0))
                  .orElse(""));
    }
  }

  /** Shuts the guest down over QMP (ACPI power button, then quit after a grace period). */
  final class PowerOffStep implements Step<Run> {
    @Override
    public String name() {
      return "power off";
    }

    @Override
    public void run(Run run) {
      long start = System.nanoTime();
      if (run.vm.isAlive()) {
        run.progress.step("powering off");
        QemuVm.PowerOff result = run.vm.powerOff(POWER_OFF_GRACE);
        if (!result.clean()) {
          throw new GenVmException(
              ExitCode.CONFIGURE_FAILED,
              "the guest did not shut down within "
                  + Units.duration(POWER_OFF_GRACE)
                  + " of the ACPI power button (qemu: "
                  + result.ending()
                  + "); its file systems may be unclean, so the image is left unchanged"
                  + consoleTail(run));
        }
      }
      run.tail.close();
      run.powerOff = Duration.ofNanos(System.nanoTime() - start);
    }
  }

  /** Generalises the configured overlay with virt-sysprep (unless --no-reset). */
  final class ResetStep implements Step<Run> {
    @Override
    public String name() {
      return "reset";
    }

    @Override
    public void run(Run run) {
      if (!settings.reset()) {
        return;
      }
      long start = System.nanoTime();
      run.progress.step("resetting with virt-sysprep");
      boolean tcg = tcg(run);
      Duration left =
          settings.timeout().minus(Duration.ofNanos(System.nanoTime() - run.startNanos));
      new VirtSysprep(runner, "virt-sysprep")
          .reset(run.overlay, "qcow2", settings.resetOperations(), tcg, left);
      run.reset = Duration.ofNanos(System.nanoTime() - start);
    }
  }

  /**
   * Writes overlay and image together as one new qcow2 beside the image, with the image's mode and
   * owner, and renames it over the image: the image changes in one atomic step.
   */
  final class CommitStep implements Step<Run> {
    @Override
    public String name() {
      return "commit";
    }

    @Override
    public void run(Run run) throws IOException {
      long start = System.nanoTime();
      Path image = settings.image();
      run.flattened = run.workDir.resolve("configured.qcow2");
      run.progress.step("committing");
      qemuImg.convert(
          run.overlay,
          "qcow2",
          run.flattened,
          p -> run.progress.detail(String.format(Locale.ROOT, "%3.0f%%", p)));
      PosixFileAttributes attributes = Files.readAttributes(image, PosixFileAttributes.class);
      Files.setPosixFilePermissions(run.flattened, attributes.permissions());
      try {
        Files.setOwner(run.flattened, attributes.owner());
        Files.getFileAttributeView(
                run.flattened, java.nio.file.attribute.PosixFileAttributeView.class)
            .setGroup(attributes.group());
      } catch (IOException e) {
        console.warn("cannot keep the image's owner: " + e.getMessage());
      }
      FileSync.force(run.flattened);
      FileSync.moveAtomically(run.flattened, image);
      run.commit = Duration.ofNanos(System.nanoTime() - start);
      run.progress.step(null);
      deleteTree(run.workDir);
      closeLock(run);
    }
  }

  private Pattern finishedPattern() {
    if (settings.finishedPattern() == null) {
      return Pattern.compile(CloudInitWatcher.DEFAULT_FINISHED_PATTERN);
    }
    try {
      return Pattern.compile(settings.finishedPattern());
    } catch (PatternSyntaxException e) {
      throw new GenVmException(
          ExitCode.USAGE, "--finished-pattern: not a regular expression: " + e.getDescription());
    }
  }

  /** Shows cloud-init's stage on the status line. */
  private static final class StageProgress implements CloudInitWatcher.Listener {
    private final Run run;

    StageProgress(Run run) {
      this.run = run;
    }

    @Override
    public void stageChanged(CloudInitWatcher.Stage stage, String line) {
      if (stage != CloudInitWatcher.Stage.FINISHED && stage != CloudInitWatcher.Stage.WAITING) {
        String name =
            stage.name().toLowerCase(Locale.ROOT).replace('_', '-').replace("modules-", "modules:");
        run.progress.step("cloud-init " + name);
      }
    }
  }

  private void stopVm(Run run) {
    if (run.vm != null) {
      run.vm.close();
    }
    if (run.tail != null) {
      run.tail.close();
    }
  }

  private void closeLock(Run run) {
    try {
      if (run.lock != null && run.lock.isValid()) {
        Files.deleteIfExists(lockFile());
        run.lock.release();
      }
      if (run.lockChannel != null) {
        run.lockChannel.close();
      }
    } catch (IOException ignored) {
      // the lock goes with the process anyway
    }
  }

  /**
   * The checks before anything is written, shared by a run and a dry run: the image (and, for a
   * run, its lock), qemu-img info, the emulator and accelerator, {@code --finished-pattern}, the
   * QMP socket path and the virt-sysprep operations.
   */
  private void inspect(Run run, boolean lock) throws IOException {
    Path image = settings.image();
    if (!Files.isRegularFile(image)) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT,
          image
              + ": no such image; build it first (gen-vm-image, or make build), or pass"
              + " --image-input-path");
    }
    if (lock) {
      run.lockChannel =
          FileChannel.open(lockFile(), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      takeLock(run);
    } else if (Files.isRegularFile(lockFile())) {
      try (FileChannel channel = FileChannel.open(lockFile(), StandardOpenOption.WRITE)) {
        run.lockChannel = channel;
        takeLock(run);
        run.lock.release();
      } finally {
        run.lock = null;
        run.lockChannel = null;
      }
    }
    run.imageInfo = qemuImg.info(image);
    run.emulator = EmulatorLocator.system().locate();
    run.acceleration =
        AcceleratorChooser.forHost(run.emulator)
            .choose(
                settings.accelerator(),
                settings.cpuModelExplicit()
                    ? CpuModel.explicit(settings.cpuModel())
                    : CpuModel.DEFAULT);
    run.finishedPattern = finishedPattern();
    checkSocketPath(settings.qmpSocket().toAbsolutePath().normalize());
    if (settings.reset()) {
      run.resetOperations =
          new VirtSysprep(runner, "virt-sysprep").operations(settings.resetOperations());
    }
  }

  private void takeLock(Run run) throws IOException {
    try {
      run.lock = run.lockChannel.tryLock();
    } catch (OverlappingFileLockException e) {
      run.lock = null;
    }
    if (run.lock == null) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT,
          settings.image() + ": another configure-vm-image is working on it");
    }
  }

  /** A file or folder where the QMP socket goes would stop QEMU: said before anything starts. */
  private static void checkSocketPath(Path socket) {
    if (Files.isDirectory(socket, LinkOption.NOFOLLOW_LINKS)
        || Files.isRegularFile(socket, LinkOption.NOFOLLOW_LINKS)) {
      throw new GenVmException(
          ExitCode.USAGE,
          "the QMP socket path "
              + socket
              + " is taken by a "
              + (Files.isDirectory(socket, LinkOption.NOFOLLOW_LINKS) ? "directory" : "file")
              + ": choose another path or remove it");
    }
  }

  /** The cloud-init seed, checked (exit code 3 for invalid files); its warnings are shown. */
  private Seed seed() {
    SeedBuilder builder =
        new SeedBuilder()
            .userData(settings.userData())
            .metaData(settings.metaData())
            .vendorData(settings.vendorData(), settings.vendorDataRequired());
    if (settings.networkConfig() != null) {
      builder.networkConfig(settings.networkConfig(), true);
    }
    Seed seed = builder.build();
    for (String warning : seed.warnings()) {
      console.warn(warning);
    }
    return seed;
  }

  /** The QEMU command line of the run: the overlay, the seed, QMP and the console log. */
  private QemuSystemCommand qemuCommand(Run run) {
    return QemuSystemCommand.builder(run.emulator)
        .acceleration(run.acceleration)
        .cpus(settings.cpus())
        .memoryMib(settings.memoryMib())
        .networking(settings.networking())
        .disk(run.overlay, "qcow2")
        .seed(settings.seedOutput())
        .qmpSocket(settings.qmpSocket())
        .serialLog(settings.serialLog())
        .build();
  }

  private static boolean tcg(Run run) {
    return run.acceleration.accelerator() != org.genvmimage.qemu.Accelerator.KVM;
  }

  /** The folder beside the image that holds the overlay while the guest runs. */
  private Path workDir() {
    Path image = settings.image().toAbsolutePath();
    return image.resolveSibling("." + image.getFileName() + ".configure");
  }

  private Path lockFile() {
    Path image = settings.image();
    return image.resolveSibling("." + image.getFileName() + ".configure.lock");
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException ignored) {
      // best effort: a hidden folder beside the image
    }
  }
}
