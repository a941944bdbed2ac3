package org.genvmimage.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.Callable;
import org.genvmimage.configure.Configurator;
import org.genvmimage.configure.ConfigurePlan;
import org.genvmimage.configure.ConfigureResult;
import org.genvmimage.configure.ConfigureSettings;
import org.genvmimage.configure.ConfigureTools;
import org.genvmimage.console.Console;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.qemu.Accelerator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code configure-vm-image}: a built image plus cloud-init files in, a configured image out. */
@Command(
    name = "configure-vm-image",
    showDefaultValues = true,
    description = {
      "Configures a built image with cloud-init: writes a NoCloud seed (ISO, label cidata) from"
          + " the cloud-init files, boots the image under QEMU on a temporary overlay, waits until"
          + " cloud-init has finished, powers the VM off (the guest generalises itself as it"
          + " does) and only then replaces the image, in one atomic step.",
      ""
    })
public final class ConfigureVmImageCommand extends CommandBase implements Callable<Integer> {
  static final String NAME = "configure-vm-image";

  @Override
  Set<ExitCode> exitCodes() {
    return commonAnd(
        ExitCode.INVALID_INPUT,
        ExitCode.TOOL_FAILED,
        ExitCode.TOOL_MISSING,
        ExitCode.CONFIGURE_FAILED);
  }

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(
      names = "--image-input-path",
      paramLabel = "IMAGE_INPUT_PATH",
      description = "The path to the image that is to be configured.")
  Path imageInputPath = Path.of("generated-images", "image.qcow2");

  @Option(
      names = {"--image-qemu-socket-path", "---image-qemu-socket-path"},
      paramLabel = "IMAGE_QEMU_SOCKET_PATH",
      description =
          "The path to where the QEMU monitor (QMP) socket should be placed which is used to send"
              + " commands to the running image while it is being configured.")
  Path imageQemuSocketPath = Path.of("generated-images", "qemu-monitor-socket");

  @Option(
      names = "--config-user-data-path",
      paramLabel = "CONFIG_USER_DATA_PATH",
      description = "The path to the cloud-init user-data configuration file.")
  Path userDataPath = Path.of("cloud-init-config", "user-data");

  @Option(
      names = "--config-meta-data-path",
      paramLabel = "CONFIG_META_DATA_PATH",
      description = "The path to the cloud-init meta-data configuration file.")
  Path metaDataPath = Path.of("cloud-init-config", "meta-data");

  @Option(
      names = "--config-vendor-data-path",
      paramLabel = "CONFIG_VENDOR_DATA_PATH",
      description =
          "The path to the cloud-init vendor-data configuration file (left out of the seed when"
              + " the default file does not exist).")
  Path vendorDataPath = DEFAULT_VENDOR_DATA;

  @Option(
      names = "--config-network-config-path",
      paramLabel = "PATH",
      description = "A cloud-init network-config file to add to the seed (default: none).")
  Path networkConfigPath;

  @Option(
      names = "--config-seed-output-path",
      paramLabel = "CONFIG_SEED_OUTPUT_PATH",
      description =
          "The path to the cloud-init seed image that is generated from the user-data,"
              + " meta-data and vendor-data files.")
  Path seedOutputPath = Path.of("image-config", "seed.img");

  @Option(
      names = "--qemu-cpu-model",
      paramLabel = "QEMU_CPU_MODEL",
      description =
          "The CPU model for configuring the image. 'host' needs KVM: under TCG the default"
              + " becomes 'max'.")
  String cpuModel = DEFAULT_CPU_MODEL;

  @Option(
      names = "--accel",
      paramLabel = "auto|kvm|tcg",
      description =
          "The accelerator: kvm, tcg (emulation, slow), or auto: KVM when it is usable, else TCG.")
  Accelerator accel = Accelerator.AUTO;

  @Option(
      names = "--memory",
      paramLabel = "SIZE",
      converter = Converters.MemoryConverter.class,
      description = "Guest memory in MiB, or with M/G (e.g. 2G).")
  int memoryMib = 1024;

  /** Guest networking. */
  enum Network {
    user,
    none
  }

  @Option(
      names = "--network",
      paramLabel = "user|none",
      description =
          "Guest network: user (QEMU's user-mode NAT, so cloud-init can install packages; nothing"
              + " to set up on the host) or none.")
  Network network = Network.user;

  @Option(
      names = "--cpus",
      paramLabel = "N",
      showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER,
      description = "Guest CPUs. Default: 2, or 1 on a host with one CPU.")
  int cpus = Math.max(1, Math.min(2, Runtime.getRuntime().availableProcessors()));

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "30m",
      converter = Converters.PositiveDurationConverter.class,
      description =
          "Give up when the whole configure takes longer (seconds, or e.g. 90s, 30m, 1h)."
              + " The VM is stopped and the image left as it was.")
  Duration timeout = Duration.ofMinutes(30);

  @Mixin BootOptions boot;

  @Option(
      names = "--serial-log",
      paramLabel = "PATH",
      description =
          "Where the guest's console is logged (default: console.log beside the seed image).")
  Path serialLog;

  @Option(
      names = "--finished-pattern",
      paramLabel = "REGEX",
      description =
          "The console line that tells cloud-init has finished (default: cloud-init's own final"
              + " message, 'Cloud-init v. ... finished at ...').")
  String finishedPattern;

  @Option(
      names = "--reset",
      paramLabel = "guest|virt-sysprep|none",
      converter = ResetModes.class,
      completionCandidates = ResetModes.class,
      defaultValue = "guest",
      description =
          "How the configured image is generalised (machine id, SSH host keys, cloud-init state"
              + " and logs, random seed, DHCP leases, shell history, /tmp): guest (default) by the"
              + " guest itself as it powers off, through a script part added to the user-data,"
              + " in about a second; virt-sysprep by virt-sysprep after the guest is off (slower,"
              + " for guests without systemd; the default with --reset-operations); none not"
              + " at all.")
  ConfigureSettings.ResetMode reset;

  @Option(names = "--no-reset", description = "Do not generalise the image: --reset none.")
  boolean noReset;

  @Option(
      names = "--reset-operations",
      paramLabel = "OPERATIONS",
      description =
          "With --reset virt-sysprep: the virt-sysprep operations, as its --operations takes them"
              + " (default: its own defaults); customize is always left out, as it would write a"
              + " machine id every clone shares.")
  String resetOperations;

  @Option(
      names = "--dry-run",
      description =
          "Check everything a run checks before it boots, print the plan (image, accelerator, the"
              + " QEMU command line, the seed's files, the virt-sysprep operations) and change"
              + " nothing.")
  boolean dryRun;

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      description =
          "text: one result line (or the plan); json: one JSON document, also on failure."
              + " Messages and progress stay on stderr.")
  JsonReport.Format outputFormat = JsonReport.Format.text;

  @Mixin OutputOptions output;

  static final String DEFAULT_CPU_MODEL = "host";
  static final Path DEFAULT_VENDOR_DATA = Path.of("cloud-init-config", "vendor-data");

  /** Runs the command; the exit code is returned, not passed to System.exit. */
  public static int run(PrintWriter out, PrintWriter err, String... args) {
    return Cli.run(new ConfigureVmImageCommand(), out, err, args);
  }

  public static void main(String[] args) {
    System.exit(Cli.main(new ConfigureVmImageCommand(), args));
  }

  private Configurator configurator;
  private ConfigurePlan plan;
  private boolean reported;

  @Override
  public Integer call() {
    try {
      return execute();
    } catch (GenVmException e) {
      report(e.exitCode(), e.getMessage());
      throw e;
    } catch (RuntimeException e) {
      report(ExitCode.INTERNAL.code(), "unexpected " + e);
      throw e;
    }
  }

  private int execute() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    if (cpus < 1 || cpus > 64) {
      throw new GenVmException(ExitCode.USAGE, "--cpus must be between 1 and 64, not " + cpus);
    }
    ConfigureSettings settings = ConfigureBinding.settings(this, resetMode());
    try (Console console = output.console(NAME, err, true)) {
      configurator = new Configurator(settings, ConfigureTools.system(console));
      if (dryRun) {
        plan = configurator.plan();
        if (outputFormat == JsonReport.Format.text) {
          plan.describe().forEach(out::println);
          out.flush();
        }
        report(ExitCode.OK.code(), null);
        return ExitCode.OK.code();
      }
      ConfigureResult result =
          Interruptible.run(
              () -> {
                // reported inside, so that the document is out before Ctrl-C ends the JVM
                try {
                  ConfigureResult done = configurator.run();
                  report(ExitCode.OK.code(), null);
                  return done;
                } catch (GenVmException e) {
                  report(e.exitCode(), e.getMessage());
                  throw e;
                }
              },
              configurator::cancel);
      if (outputFormat == JsonReport.Format.text) {
        out.println(result.summary());
        out.flush();
      }
      return ExitCode.OK.code();
    }
  }

  /**
   * The reset mode: {@code --reset}, {@code none} with {@code --no-reset}, {@code virt-sysprep}
   * with {@code --reset-operations}, else {@code guest}.
   *
   * @throws GenVmException USAGE when they contradict each other
   */
  ConfigureSettings.ResetMode resetMode() {
    ConfigureSettings.ResetMode mode =
        spec.commandLine().getParseResult().hasMatchedOption("--reset") ? reset : null;
    if (noReset) {
      if (mode != null && mode != ConfigureSettings.ResetMode.NONE) {
        throw new GenVmException(
            ExitCode.USAGE, "--no-reset contradicts --reset " + ResetModes.name(mode));
      }
      mode = ConfigureSettings.ResetMode.NONE;
    }
    if (resetOperations != null) {
      if (mode != null && mode != ConfigureSettings.ResetMode.VIRT_SYSPREP) {
        throw new GenVmException(
            ExitCode.USAGE,
            "--reset-operations is for virt-sysprep; it contradicts "
                + (noReset ? "--no-reset" : "--reset " + ResetModes.name(mode)));
      }
      mode = ConfigureSettings.ResetMode.VIRT_SYSPREP;
    }
    return mode == null ? ConfigureSettings.ResetMode.GUEST : mode;
  }

  /** {@code --serial-log}, else its default beside the seed image. */
  Path serialLogPath() {
    return serialLog != null ? serialLog : ConfigureSettings.defaultSerialLog(seedOutputPath);
  }

  /** With {@code --output json}: prints the one document, once. */
  private synchronized void report(int exitCode, String error) {
    if (outputFormat != JsonReport.Format.json || reported) {
      return;
    }
    reported = true;
    ConfigureResult result =
        configurator == null || dryRun ? null : configurator.result().orElse(null);
    JsonReport.write(
        spec.commandLine().getOut(),
        ConfigureJson.document(
            imageInputPath, serialLogPath(), dryRun, result, plan, exitCode, error));
  }
}
