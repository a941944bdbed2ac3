package org.genvmimage.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class QemuSystemCommandTest {
  private static final Path QEMU = Path.of("/usr/bin/qemu-system-x86_64");
  private static final String BASE = "/usr/bin/qemu-system-x86_64 -nodefaults -no-user-config";
  private static final String RNG =
      " -object rng-random,id=rng0,filename=/dev/urandom -device virtio-rng-pci,rng=rng0";

  static Stream<Arguments> commands() {
    return Stream.of(
        row(
            "defaults: TCG multi-threaded, max, no network, no devices",
            b -> b,
            BASE
                + " -accel tcg,thread=multi -cpu max -smp 2 -m 2048M -display none -nic none"
                + RNG),
        row(
            "KVM with the host CPU",
            b -> b.accelerator(Accelerator.KVM).cpuModel("host").cpus(4).memoryMib(4096),
            BASE + " -accel kvm -cpu host -smp 4 -m 4096M -display none -nic none" + RNG),
        row(
            "one CPU under TCG: plain tcg",
            b -> b.cpus(1),
            BASE + " -accel tcg -cpu max -smp 1 -m 2048M -display none -nic none" + RNG),
        row(
            "the chooser's verdict",
            b ->
                b.acceleration(
                    new AcceleratorChoice(
                        Accelerator.TCG, "max", "using TCG: /dev/kvm is missing")),
            BASE
                + " -accel tcg,thread=multi -cpu max -smp 2 -m 2048M -display none -nic none"
                + RNG),
        row(
            "networking asked for",
            b -> b.networking(true).entropy(false),
            BASE
                + " -accel tcg,thread=multi -cpu max -smp 2 -m 2048M -display none"
                + " -nic user,model=virtio-net-pci"),
        row(
            "machine type, no reboot, extra arguments",
            b -> b.machine("q35").allowReboot(false).entropy(false).extraArguments(List.of("-S")),
            BASE
                + " -accel tcg,thread=multi -machine q35 -cpu max -smp 2 -m 2048M -display none"
                + " -nic none -no-reboot -S"),
        row(
            "UEFI as Debian ships it: raw code read-only, the run's raw copy of the variables, the"
                + " disk as always (no bootindex)",
            b ->
                b.entropy(false)
                    .networking(true)
                    .disk(Path.of("/work/.image.qcow2.configure/overlay.qcow2"), "qcow2")
                    .pflash(
                        new QemuSystemCommand.Pflash(
                            Path.of("/usr/share/OVMF/OVMF_CODE_4M.fd"),
                            "raw",
                            Path.of("/work/.image.qcow2.configure/efivars.fd"),
                            "raw")),
            BASE
                + " -accel tcg,thread=multi -cpu max -smp 2 -m 2048M"
                + " -drive if=pflash,unit=0,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd"
                + " -drive if=pflash,unit=1,format=raw,file=/work/.image.qcow2.configure/efivars.fd"
                + " -display none -nic user,model=virtio-net-pci"
                + " -drive file=/work/.image.qcow2.configure/overlay.qcow2,if=virtio,format=qcow2,cache=unsafe"),
        row(
            "UEFI as Fedora ships it: qcow2, on q35, commas in the path doubled",
            b ->
                b.entropy(false)
                    .machine("q35")
                    .pflash(
                        new QemuSystemCommand.Pflash(
                            Path.of("/usr/share/edk2/ovmf/OVMF_CODE_4M.qcow2"),
                            "qcow2",
                            Path.of("/work/a,b/.i.configure/efivars.qcow2"),
                            "qcow2")),
            BASE
                + " -accel tcg,thread=multi -machine q35 -cpu max -smp 2 -m 2048M"
                + " -drive if=pflash,unit=0,format=qcow2,readonly=on,file=/usr/share/edk2/ovmf/OVMF_CODE_4M.qcow2"
                + " -drive if=pflash,unit=1,format=qcow2,file=/work/a,,b/.i.configure/efivars.qcow2"
                + " -display none -nic none"),
        row(
            "configure: overlay, seed, QMP, serial log",
            b ->
                b.accelerator(Accelerator.KVM)
                    .cpuModel("host")
                    .disk(Path.of("/work/out/.image.overlay.qcow2"), "qcow2")
                    .seed(Path.of("/work/image-config/seed.img"))
                    .qmpSocket(Path.of("/work/generated-images/qemu-monitor-socket"))
                    .serialLog(Path.of("/work/generated-images/console.log")),
            BASE
                + " -accel kvm -cpu host -smp 2 -m 2048M -display none -nic none"
                + " -drive file=/work/out/.image.overlay.qcow2,if=virtio,format=qcow2,cache=unsafe"
                + " -drive file=/work/image-config/seed.img,media=cdrom,readonly=on,format=raw"
                + RNG
                + " -chardev socket,id=qmp,path=/work/generated-images/qemu-monitor-socket,server=on,wait=off"
                + " -mon chardev=qmp,mode=control"
                + " -chardev file,id=serial0,path=/work/generated-images/console.log"
                + " -serial chardev:serial0"),
        row(
            "commas doubled, relative paths made ./",
            b ->
                b.entropy(false)
                    .disk(Path.of("a,b/disk,1.qcow2"), "qcow2")
                    .diskCache("writeback")
                    .seed(Path.of("/s,eed.iso"))
                    .qmpSocket(Path.of("/run/q,mp"))
                    .serialLog(Path.of("nbd:serial,log")),
            BASE
                + " -accel tcg,thread=multi -cpu max -smp 2 -m 2048M -display none -nic none"
                + " -drive file=./a,,b/disk,,1.qcow2,if=virtio,format=qcow2,cache=writeback"
                + " -drive file=/s,,eed.iso,media=cdrom,readonly=on,format=raw"
                + " -chardev socket,id=qmp,path=/run/q,,mp,server=on,wait=off"
                + " -mon chardev=qmp,mode=control"
                + " -chardev file,id=serial0,path=./nbd:serial,,log -serial chardev:serial0"));
  }

  private static Arguments row(
      String name, UnaryOperator<QemuSystemCommand.Builder> settings, String expected) {
    return Arguments.of(name, settings.apply(QemuSystemCommand.builder(QEMU)).build(), expected);
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("commands")
  void buildsArgumentLists(String name, QemuSystemCommand command, String expected) {
    assertThat(command.arguments()).containsExactly(expected.split(" "));
  }

  @Test
  void pathsWithSpacesStayOneArgument() {
    List<String> args =
        QemuSystemCommand.builder(Path.of("/opt/my qemu/qemu-kvm"))
            .disk(Path.of("/images/my disk.qcow2"), "qcow2")
            .build()
            .arguments();

    assertThat(args.get(0)).isEqualTo("/opt/my qemu/qemu-kvm");
    assertThat(args).contains("file=/images/my disk.qcow2,if=virtio,format=qcow2,cache=unsafe");
  }

  @Test
  void withQmpSocketReplacesOnlyTheSocket() {
    QemuSystemCommand command =
        QemuSystemCommand.builder(QEMU).qmpSocket(Path.of("/long/path")).cpus(3).build();

    QemuSystemCommand moved = command.withQmpSocket(Path.of("/tmp/gvi-1/qmp.sock"));

    assertThat(moved.qmpSocket()).contains(Path.of("/tmp/gvi-1/qmp.sock"));
    assertThat(String.join(" ", moved.arguments()))
        .isEqualTo(
            String.join(" ", command.arguments()).replace("/long/path", "/tmp/gvi-1/qmp.sock"));
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "accelerator AUTO | resolve AUTO with AcceleratorChooser first",
        "cpus 0           | cpus must be at least 1: 0",
        "memory 8         | memory must be at least 16 MiB: 8",
        "cpu -smp         | invalid CPU model: '-smp'",
        "machine pc,x=1   | invalid machine type: 'pc,x=1'",
        "format qcow2,x   | invalid disk format: 'qcow2,x'",
        "cache fast       | invalid cache mode: 'fast' (expected one of [unsafe, writeback, none, writethrough, directsync])",
      })
  void rejectsInvalidSettings(String setting, String message) {
    String[] kv = setting.split(" ");
    QemuSystemCommand.Builder b = QemuSystemCommand.builder(QEMU);
    switch (kv[0]) {
      case "accelerator" -> b.accelerator(Accelerator.valueOf(kv[1]));
      case "cpus" -> b.cpus(Integer.parseInt(kv[1]));
      case "memory" -> b.memoryMib(Integer.parseInt(kv[1]));
      case "cpu" -> b.cpuModel(kv[1]);
      case "machine" -> b.machine(kv[1]);
      case "format" -> b.disk(Path.of("/d"), kv[1]);
      case "cache" -> b.diskCache(kv[1]);
      default -> throw new AssertionError(kv[0]);
    }

    assertThatThrownBy(b::build).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
  }
}
