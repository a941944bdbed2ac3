package org.genvmimage.process;

import static org.assertj.core.api.Assertions.assertThat;

import org.genvmimage.process.InstallHint.Program;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class InstallHintTest {
  static final String DEBIAN = "PRETTY_NAME=\"Debian GNU/Linux 12 (bookworm)\"\nID=debian\n";
  static final String UBUNTU = "NAME=\"Ubuntu\"\nID=ubuntu\nID_LIKE=debian\n";
  static final String MINT = "NAME=\"Linux Mint\"\nID=linuxmint\nID_LIKE=\"ubuntu debian\"\n";
  static final String FEDORA = "NAME=\"Fedora Linux\"\nID=fedora\n";
  static final String ROCKY =
      "NAME=\"Rocky Linux\"\nID=\"rocky\"\nID_LIKE=\"rhel centos fedora\"\n";
  static final String ALMA = "ID_LIKE=\"rhel centos fedora\"\nID=\"almalinux\"\n";
  static final String RHEL = "ID=\"rhel\"\nID_LIKE=\"fedora\"\n";
  static final String CENTOS = "ID=\"centos\"\nID_LIKE=\"rhel fedora\"\n";
  static final String TUMBLEWEED = "ID=\"opensuse-tumbleweed\"\nID_LIKE=\"opensuse suse\"\n";
  static final String SLES = "ID=\"sles\"\nID_LIKE=\"suse\"\n";
  static final String ARCH = "NAME=\"Arch Linux\"\nID=arch\n";
  static final String MANJARO = "ID=manjaro\nID_LIKE=arch\n";
  static final String ALPINE = "NAME=\"Alpine Linux\"\nID=alpine\n";
  static final String UNKNOWN = "ID=gentoo\n";

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "DEBIAN|QEMU_IMG|apt-get install qemu-utils|dep/debian.sh",
        "UBUNTU|QEMU_SYSTEM|apt-get install qemu-system-x86|dep/debian.sh",
        "MINT|VIRT_SYSPREP|apt-get install libguestfs-tools|dep/debian.sh",
        "FEDORA|QEMU_IMG|dnf install qemu-img|dep/rhel.sh",
        "FEDORA|QEMU_SYSTEM|dnf install qemu-system-x86|dep/rhel.sh",
        "ROCKY|QEMU_SYSTEM|dnf install qemu-kvm|dep/rhel.sh",
        "ALMA|VIRT_SYSPREP|dnf install guestfs-tools|dep/rhel.sh",
        "RHEL|QEMU_SYSTEM|dnf install qemu-kvm|dep/rhel.sh",
        "CENTOS|QEMU_IMG|dnf install qemu-img|dep/rhel.sh",
        "TUMBLEWEED|QEMU_IMG|zypper install qemu-tools|",
        "SLES|QEMU_SYSTEM|zypper install qemu-x86|",
        "ARCH|QEMU_SYSTEM|pacman -S qemu-system-x86|",
        "MANJARO|VIRT_SYSPREP|pacman -S guestfs-tools|",
        "ALPINE|QEMU_IMG|apk add qemu-img|",
        "ALPINE|QEMU_SYSTEM|apk add qemu-system-x86_64|",
      })
  void theInstallCommandForTheDistribution(
      String system, Program program, String install, String script) throws Exception {
    String osRelease = (String) InstallHintTest.class.getDeclaredField(system).get(null);
    String hint = InstallHint.of(program, osRelease);
    assertThat(hint).startsWith("install it with '" + install + "'");
    if (script != null) {
      assertThat(hint).contains("(" + script + " in the source tree installs every dependency)");
    } else {
      assertThat(hint).doesNotContain("dep/");
    }
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "QEMU_IMG|, or set GEN_VM_IMAGE_QEMU_IMG to the program to run",
        "QEMU_SYSTEM|, or set GEN_VM_IMAGE_QEMU to the program to run",
        "VIRT_SYSPREP|, or use --reset guest (the default), which needs no virt-sysprep",
      })
  void theOtherWayOut(Program program, String ending) {
    assertThat(InstallHint.of(program, DEBIAN)).endsWith(ending);
    assertThat(InstallHint.of(program, UNKNOWN)).endsWith(ending);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "QEMU_IMG|install the package that provides it (qemu-utils on Debian and Ubuntu, qemu-img"
            + " on Fedora and RHEL), or set GEN_VM_IMAGE_QEMU_IMG to the program to run",
        "QEMU_SYSTEM|install the package that provides it (qemu-system-x86 on Debian and Ubuntu,"
            + " qemu-kvm on Fedora and RHEL), or set GEN_VM_IMAGE_QEMU to the program to run",
      })
  void anUnknownOrMissingOsReleaseGetsTheCommonNames(Program program, String hint) {
    assertThat(InstallHint.of(program, UNKNOWN)).isEqualTo(hint);
    assertThat(InstallHint.of(program, null)).isEqualTo(hint);
    assertThat(InstallHint.of(program, "")).isEqualTo(hint);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "QEMU_IMG|install it with 'apt-get install qemu-utils' (dep/debian.sh in the source tree"
            + " installs every dependency), or set GEN_VM_IMAGE_QEMU_IMG to the program to run",
        "VIRT_SYSPREP|install it with 'apt-get install libguestfs-tools' (dep/debian.sh in the"
            + " source tree installs every dependency), or use --reset guest (the default), which needs no"
            + " virt-sysprep",
      })
  void oneSentence(Program program, String hint) {
    assertThat(InstallHint.of(program, DEBIAN)).isEqualTo(hint);
  }

  @Test
  void osReleaseSyntax() {
    assertThat(InstallHint.of(Program.QEMU_IMG, "# ID=fedora\nID=debian\n")).contains("apt-get");
    assertThat(InstallHint.of(Program.QEMU_IMG, "ID='arch'")).contains("pacman");
    assertThat(InstallHint.of(Program.QEMU_IMG, "ID=ALPINE\r\n")).contains("apk add");
    assertThat(InstallHint.of(Program.QEMU_IMG, "ID=\nID_LIKE=\"  suse \"")).contains("zypper");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"ALPINE"})
  void aProgramThatTheDistributionDoesNotPackage(String system) throws Exception {
    String osRelease = (String) InstallHintTest.class.getDeclaredField(system).get(null);
    assertThat(InstallHint.of(Program.VIRT_SYSPREP, osRelease))
        .startsWith("install the package that provides it (libguestfs-tools on Debian");
  }
}
