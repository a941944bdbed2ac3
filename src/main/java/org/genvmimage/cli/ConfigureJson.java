package org.genvmimage.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.genvmimage.cloudinit.CloudInitWatcher;
import org.genvmimage.cloudinit.SeedFile;
import org.genvmimage.configure.ConfigurePlan;
import org.genvmimage.configure.ConfigureResult;
import org.genvmimage.qemu.FirmwareChoice;
import org.genvmimage.qemu.UefiFirmware;

/**
 * The {@code --output json} document of configure-vm-image: the shared fields of {@link
 * JsonReport}, then {@code image}, {@code accelerator}, {@code firmware}, {@code cloud_init},
 * {@code durations}, {@code guest_uptime}, {@code serial_log}, and for a dry run {@code plan}.
 * Every field is always there; what the run did not reach is null.
 */
final class ConfigureJson {
  private ConfigureJson() {}

  /**
   * The document.
   *
   * @param image the image path, used when neither a result nor a plan exists
   * @param result what the run reached, or null (dry run, or a failure before it started)
   * @param plan the dry run's plan, or null
   * @param error the failure's message, or null
   */
  static ObjectNode document(
      Path image,
      Path serialLog,
      boolean dryRun,
      ConfigureResult result,
      ConfigurePlan plan,
      int exitCode,
      String error) {
    ObjectNode doc = JsonReport.documentNode(ConfigureVmImageCommand.NAME, exitCode, dryRun, error);
    ObjectNode img = doc.putObject("image");
    img.put("path", absolute(image));
    String format = null;
    Long virtualSize = null;
    String accelerator = null;
    if (result != null) {
      format = result.imageFormat();
      virtualSize = result.virtualSize();
      accelerator = result.accelerator();
    } else if (plan != null) {
      format = plan.imageInfo().format();
      virtualSize = plan.imageInfo().virtualSize();
      accelerator = plan.acceleration().accelerator().name();
    }
    img.put("format", format);
    img.put("virtual_size", virtualSize);
    doc.put("accelerator", accelerator == null ? null : accelerator.toLowerCase(Locale.ROOT));
    firmware(
        doc,
        result != null ? result.firmware() : plan != null ? plan.firmware() : null,
        plan == null ? null : plan.firmwareVars());
    ConfigureResult.CloudInit seen = result == null ? null : result.cloudInit();
    if (result != null
        && (result.durations().bootToFinished() != null
            || seen.version() != null
            || !seen.stages().isEmpty()
            || !seen.warnings().isEmpty())) {
      ObjectNode cloudInit = doc.putObject("cloud_init");
      cloudInit.put("version", seen.version());
      cloudInit.put("datasource", seen.datasource());
      ArrayNode warnings = cloudInit.putArray("warnings");
      seen.warnings().forEach(warnings::add);
      ArrayNode stages = cloudInit.putArray("stages");
      for (CloudInitWatcher.StageSeen stage : seen.stages()) {
        stages
            .addObject()
            .put("name", stage.name())
            .put("seconds_after_boot", stage.secondsAfterBoot());
      }
    } else {
      doc.putNull("cloud_init");
    }
    if (result != null) {
      ObjectNode durations = doc.putObject("durations");
      ConfigureResult.Durations took = result.durations();
      seconds(durations, "seed", took.seed());
      seconds(durations, "boot_to_finished", took.bootToFinished());
      seconds(durations, "power_off", took.powerOff());
      seconds(durations, "reset", took.reset());
      seconds(durations, "commit", took.commit());
      seconds(durations, "total", took.total());
      doc.put("guest_uptime", seen.guestUptimeSeconds());
    } else {
      doc.putNull("durations");
      doc.putNull("guest_uptime");
    }
    doc.put("serial_log", absolute(plan != null ? plan.serialLog() : serialLog));
    if (plan != null) {
      plan(doc.putObject("plan"), plan);
    } else {
      doc.putNull("plan");
    }
    return doc;
  }

  private static void plan(ObjectNode node, ConfigurePlan plan) {
    node.put("accelerator_reason", plan.acceleration().reason());
    node.put("cpu_model", plan.acceleration().cpuModel());
    node.put("emulator", plan.emulator().toString());
    ArrayNode argv = node.putArray("argv");
    plan.command().forEach(argv::add);
    ObjectNode seed = node.putObject("seed");
    seed.put("path", absolute(plan.seedOutput()));
    seed.put("size", plan.seedSize());
    ArrayNode files = seed.putArray("files");
    for (SeedFile file : plan.seedFiles()) {
      files
          .addObject()
          .put("name", file.name())
          .put("size", file.size())
          .put("format", file.format())
          .put("source", absolute(file.source()))
          .put("text", ConfigurePlan.text(file));
    }
    ArrayNode warnings = seed.putArray("warnings");
    plan.seedWarnings().forEach(warnings::add);
    node.put("overlay", absolute(plan.overlay()));
    node.put("qmp_socket", absolute(plan.qmpSocket()));
    node.put("qmp_socket_linked", plan.qmpSocketLinked());
    if (plan.reset() == null) {
      node.putNull("reset");
    } else {
      ObjectNode reset = node.putObject("reset");
      reset.put("mode", plan.reset().mode());
      ArrayNode resetArgv = reset.putArray("argv");
      plan.reset().command().forEach(resetArgv::add);
      ObjectNode env = reset.putObject("env");
      plan.reset().environment().forEach(env::put);
      ArrayNode ops = reset.putArray("operations");
      plan.reset().operations().forEach(ops::add);
    }
    node.put("commit_target", absolute(plan.commitTarget()));
  }

  /**
   * {@code firmware}: {@code type} (bios or uefi), {@code reason}, and for UEFI the {@code code}
   * and {@code vars_template} files with their formats, the {@code descriptor} that named them
   * (null when found at a known path) and, in a plan, this run's {@code vars} copy; null when the
   * run did not get as far as choosing.
   */
  private static void firmware(ObjectNode doc, FirmwareChoice choice, Path varsCopy) {
    if (choice == null) {
      doc.putNull("firmware");
      return;
    }
    ObjectNode node = doc.putObject("firmware");
    node.put("type", choice.firmware().option());
    node.put("reason", choice.reason());
    UefiFirmware uefi = choice.uefi();
    node.put("code", uefi == null ? null : uefi.code().toString());
    node.put("code_format", uefi == null ? null : uefi.codeFormat());
    node.put("vars_template", uefi == null ? null : uefi.varsTemplate().toString());
    node.put("vars_format", uefi == null ? null : uefi.varsFormat());
    node.put(
        "descriptor",
        uefi == null || uefi.descriptor() == null ? null : uefi.descriptor().toString());
    node.put("vars", absolute(varsCopy));
  }

  private static void seconds(ObjectNode node, String name, Duration duration) {
    node.put(name, duration == null ? null : Math.round(duration.toNanos() / 1e3) / 1e6);
  }

  private static String absolute(Path path) {
    return path == null ? null : path.toAbsolutePath().normalize().toString();
  }
}
