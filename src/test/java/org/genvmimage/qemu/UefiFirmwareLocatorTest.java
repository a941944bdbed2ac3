package org.genvmimage.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Finding OVMF in file trees laid out as Debian 12's ovmf package and Fedora's edk2-ovmf lay them
 * out (descriptor contents as they ship them), below a temporary root.
 */
class UefiFirmwareLocatorTest {
  @TempDir Path root;

  static final List<Path> FOLDERS =
      List.of(
          Path.of("/usr/share/qemu/firmware"),
          Path.of("/etc/qemu/firmware"),
          Path.of("/home/u/.config/qemu/firmware"));

  UefiFirmwareLocator locator() {
    return new UefiFirmwareLocator(root, FOLDERS);
  }

  Path file(String absolute, String content) throws IOException {
    Path p = root.resolve(absolute.substring(1));
    Files.createDirectories(p.getParent());
    Files.writeString(p, content);
    return p;
  }

  static String descriptor(
      String code, String vars, String format, String machines, String features) {
    return "{\n"
        + "  \"description\": \"UEFI firmware for x86_64\",\n"
        + "  \"interface-types\": [\"uefi\"],\n"
        + "  \"mapping\": {\n"
        + "    \"device\": \"flash\",\n"
        + "    \"executable\": {\"filename\": \""
        + code
        + "\", \"format\": \""
        + format
        + "\"},\n"
        + "    \"nvram-template\": {\"filename\": \""
        + vars
        + "\", \"format\": \""
        + format
        + "\"}\n"
        + "  },\n"
        + "  \"targets\": [{\"architecture\": \"x86_64\", \"machines\": ["
        + machines
        + "]}],\n"
        + "  \"features\": ["
        + features
        + "],\n"
        + "  \"tags\": []\n"
        + "}\n";
  }

  /** Debian 12's ovmf: three descriptors, the first two Secure Boot builds that need SMM. */
  void debian() throws IOException {
    for (String f :
        List.of(
            "OVMF_CODE_4M.fd",
            "OVMF_CODE_4M.ms.fd",
            "OVMF_CODE_4M.secboot.fd",
            "OVMF_VARS_4M.fd",
            "OVMF_VARS_4M.ms.fd")) {
      file("/usr/share/OVMF/" + f, f);
    }
    file(
        "/usr/share/qemu/firmware/40-edk2-x86_64-secure-enrolled.json",
        descriptor(
            "/usr/share/OVMF/OVMF_CODE_4M.ms.fd",
            "/usr/share/OVMF/OVMF_VARS_4M.ms.fd",
            "raw",
            "\"pc-q35-*\"",
            "\"acpi-s3\", \"amd-sev\", \"enrolled-keys\", \"requires-smm\", \"secure-boot\","
                + " \"verbose-dynamic\""));
    file(
        "/usr/share/qemu/firmware/50-edk2-x86_64-secure.json",
        descriptor(
            "/usr/share/OVMF/OVMF_CODE_4M.secboot.fd",
            "/usr/share/OVMF/OVMF_VARS_4M.fd",
            "raw",
            "\"pc-q35-*\"",
            "\"acpi-s3\", \"amd-sev\", \"requires-smm\", \"secure-boot\", \"verbose-dynamic\""));
    file(
        "/usr/share/qemu/firmware/60-edk2-x86_64.json",
        descriptor(
            "/usr/share/OVMF/OVMF_CODE_4M.fd",
            "/usr/share/OVMF/OVMF_VARS_4M.fd",
            "raw",
            "\"pc-i440fx-*\", \"pc-q35-*\"",
            "\"acpi-s3\", \"amd-sev\", \"verbose-dynamic\""));
  }

  @Test
  void debianPicksTheDescriptorWithoutSecureBoot() throws IOException {
    debian();

    UefiFirmware found = locator().locate();

    assertThat(found.code()).isEqualTo(root.resolve("usr/share/OVMF/OVMF_CODE_4M.fd"));
    assertThat(found.varsTemplate()).isEqualTo(root.resolve("usr/share/OVMF/OVMF_VARS_4M.fd"));
    assertThat(found.codeFormat()).isEqualTo("raw");
    assertThat(found.varsFormat()).isEqualTo("raw");
    assertThat(found.varsCopyName()).isEqualTo("efivars.fd");
    assertThat(found.descriptor())
        .isEqualTo(root.resolve("usr/share/qemu/firmware/60-edk2-x86_64.json"));
  }

  @Test
  void fedoraPicksTheQcow2BuildWithoutSecureBoot() throws IOException {
    String dir = "/usr/share/edk2/ovmf/";
    for (String f :
        List.of(
            "OVMF_CODE_4M.qcow2",
            "OVMF_CODE_4M.secboot.qcow2",
            "OVMF_VARS_4M.qcow2",
            "OVMF_VARS_4M.secboot.qcow2",
            "OVMF_CODE.fd",
            "OVMF_VARS.fd",
            "MICROVM.fd")) {
      file(dir + f, f);
    }
    String fw = "/usr/share/qemu/firmware/";
    file(
        fw + "30-edk2-ovmf-4m-qcow2-x64-sb-enrolled.json",
        descriptor(
            dir + "OVMF_CODE_4M.secboot.qcow2",
            dir + "OVMF_VARS_4M.secboot.qcow2",
            "qcow2",
            "\"pc-q35-*\"",
            "\"acpi-s3\", \"requires-smm\", \"secure-boot\", \"enrolled-keys\""));
    file(
        fw + "40-edk2-ovmf-4m-qcow2-x64-sb.json",
        descriptor(
            dir + "OVMF_CODE_4M.secboot.qcow2",
            dir + "OVMF_VARS_4M.qcow2",
            "qcow2",
            "\"pc-q35-*\"",
            "\"acpi-s3\", \"requires-smm\", \"secure-boot\""));
    file(
        fw + "50-edk2-ovmf-4m-qcow2-x64-nosb.json",
        descriptor(
            dir + "OVMF_CODE_4M.qcow2",
            dir + "OVMF_VARS_4M.qcow2",
            "qcow2",
            "\"pc-i440fx-*\", \"pc-q35-*\"",
            "\"acpi-s3\", \"amd-sev\", \"verbose-dynamic\""));
    file(
        fw + "50-edk2-ovmf-x64-microvm.json",
        "{\"interface-types\": [\"uefi\"], \"mapping\": {\"device\": \"memory\", \"filename\": \""
            + dir
            + "MICROVM.fd\"}, \"targets\": [{\"architecture\": \"x86_64\", \"machines\":"
            + " [\"microvm\"]}], \"features\": []}");

    UefiFirmware found = locator().locate();

    assertThat(found.code()).isEqualTo(root.resolve("usr/share/edk2/ovmf/OVMF_CODE_4M.qcow2"));
    assertThat(found.codeFormat()).isEqualTo("qcow2");
    assertThat(found.varsFormat()).isEqualTo("qcow2");
    assertThat(found.varsCopyName()).isEqualTo("efivars.qcow2");
    assertThat(found.descriptor().getFileName().toString())
        .isEqualTo("50-edk2-ovmf-4m-qcow2-x64-nosb.json");
  }

  @Test
  void anEmptyFileInEtcHidesAVendorDescriptorAndAUserOneComesFirstByName() throws IOException {
    debian();
    file("/etc/qemu/firmware/60-edk2-x86_64.json", "");
    file("/opt/ovmf/CODE.fd", "code");
    file("/opt/ovmf/VARS.fd", "vars");
    file(
        "/home/u/.config/qemu/firmware/70-mine.json",
        descriptor(
            "/opt/ovmf/CODE.fd", "/opt/ovmf/VARS.fd", "raw", "\"pc-i440fx-*\"", "\"acpi-s3\""));

    assertThat(locator().locate().code()).isEqualTo(root.resolve("opt/ovmf/CODE.fd"));
  }

  @Test
  void aDescriptorWhoseFilesAreMissingOrThatIsBrokenIsSkipped() throws IOException {
    file(
        "/usr/share/qemu/firmware/10-gone.json",
        descriptor(
            "/nowhere/CODE.fd", "/nowhere/VARS.fd", "raw", "\"pc-i440fx-*\"", "\"acpi-s3\""));
    file("/usr/share/qemu/firmware/20-broken.json", "{ not json");
    file("/usr/share/OVMF/OVMF_CODE.fd", "code");
    file("/usr/share/OVMF/OVMF_VARS.fd", "vars");

    UefiFirmware found = locator().locate();

    assertThat(found.code()).isEqualTo(root.resolve("usr/share/OVMF/OVMF_CODE.fd"));
    assertThat(found.descriptor()).as("found at a known path").isNull();
  }

  @Test
  void withoutDescriptorsTheKnownPathsOfTheDistributionsAreTried() throws IOException {
    file("/usr/share/edk2/x64/OVMF_CODE.4m.fd", "code");
    file("/usr/share/edk2/x64/OVMF_VARS.4m.fd", "vars");

    assertThat(locator().locate().code())
        .isEqualTo(root.resolve("usr/share/edk2/x64/OVMF_CODE.4m.fd"));
  }

  @Test
  void onlySecureBootFirmwareIsNoFirmwareAndTheErrorNamesThePackage() throws IOException {
    debian();
    Files.delete(root.resolve("usr/share/qemu/firmware/60-edk2-x86_64.json"));
    Files.delete(root.resolve("usr/share/OVMF/OVMF_CODE_4M.fd"));

    assertThatThrownBy(() -> locator().locate())
        .isInstanceOfSatisfying(
            GenVmException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.TOOL_MISSING.code()))
        .hasMessageContaining("no UEFI firmware (OVMF)")
        .hasMessageContaining("ovmf")
        .hasMessageContaining("--firmware bios");
  }

  @Test
  void machineGlobs() {
    assertThat(UefiFirmwareLocator.glob("pc-q35-*").matcher("pc-q35-99.0").matches()).isTrue();
    assertThat(UefiFirmwareLocator.glob("pc-q35-*").matcher("pc-i440fx-99.0").matches()).isFalse();
    assertThat(UefiFirmwareLocator.glob("*").matcher("pc-i440fx-99.0").matches()).isTrue();
    assertThat(UefiFirmwareLocator.glob("pc-i440fx-[x").matcher("pc-i440fx-99.0").matches())
        .isFalse();
  }

  @Test
  void thisHostHasOvmfInstalledAsDepDebianShInstallsIt() {
    UefiFirmware found =
        UefiFirmwareLocator.system(Path.of("/usr/bin/qemu-system-x86_64")).locate();

    assertThat(found.code()).isRegularFile();
    assertThat(found.varsTemplate()).isRegularFile();
    assertThat(found.code().getFileName().toString())
        .doesNotContain("secboot")
        .doesNotContain(".ms.");
  }
}
