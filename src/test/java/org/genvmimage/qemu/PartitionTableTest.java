package org.genvmimage.qemu;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.genvmimage.process.ProcessRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The firmware that {@code --firmware auto} chooses, for small real disks partitioned with sfdisk
 * (as distributions lay out their cloud images), converted to qcow2 and read back through qemu-img
 * as the configure run reads them.
 */
class PartitionTableTest {
  static final String ESP = PartitionTable.ESP_GUID;
  static final String BIOS_BOOT = PartitionTable.BIOS_BOOT_GUID;
  static final String LINUX = "0FC63DAF-8483-4772-8E79-3D69D8477DE4";

  @TempDir Path dir;
  final RealQemuImg qemuImg = new RealQemuImg(new ProcessRunner());

  /** A 16 MiB disk partitioned by an sfdisk script, as qcow2; the raw bytes are not kept. */
  Path disk(String name, String sfdiskScript) throws Exception {
    Path raw = dir.resolve(name + ".raw");
    try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
      f.setLength(16 << 20);
    }
    if (sfdiskScript != null) {
      sfdisk(raw, sfdiskScript);
    }
    return qcow2(raw);
  }

  void sfdisk(Path raw, String script) throws Exception {
    Process p =
        new ProcessBuilder("sfdisk", "-q", "--no-reread", "--no-tell-kernel", raw.toString())
            .redirectErrorStream(true)
            .start();
    p.getOutputStream().write(script.getBytes(StandardCharsets.UTF_8));
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("sfdisk: " + out).isZero();
  }

  Path qcow2(Path raw) throws IOException {
    Path image = raw.resolveSibling(raw.getFileName().toString().replace(".raw", ".qcow2"));
    qemuImg.convert(raw, "raw", image, null);
    Files.delete(raw);
    return image;
  }

  PartitionTable table(Path image) {
    assertThat(qemuImg.info(image).format()).isEqualTo("qcow2");
    return PartitionTable.read(qemuImg.head(image, "qcow2", PartitionTable.HEAD_BYTES));
  }

  @Test
  void gptWithAnEfiSystemPartitionAndNoBiosBootPartitionBootsUefi() throws Exception {
    // The layout of a UEFI-only image (and of this project's UEFI test fixture).
    Path image =
        disk(
            "uefi",
            "label: gpt\nstart=2048, size=8192, type="
                + ESP
                + ", name=\"EFI system partition\"\ntype="
                + LINUX
                + ", name=root\n");

    PartitionTable table = table(image);

    assertThat(table.scheme()).isEqualTo(PartitionTable.Scheme.GPT);
    assertThat(table.partitions())
        .extracting(PartitionTable.Partition::type)
        .containsExactly(ESP, LINUX);
    assertThat(table.partitions().get(0).name()).isEqualTo("EFI system partition");
    assertThat(table.bootFirmware())
        .isEqualTo(
            new PartitionTable.Choice(
                Firmware.UEFI, "a GPT with an EFI system partition and no BIOS boot partition"));
  }

  @Test
  void gptWithABiosBootPartitionBootsBiosEvenWithAnEsp() throws Exception {
    // Debian's, Ubuntu's, Fedora's and Rocky's cloud images: BIOS boot + ESP + root, both ways.
    Path image =
        disk(
            "hybrid",
            "label: gpt\nstart=2048, size=2048, type="
                + BIOS_BOOT
                + "\nsize=8192, type="
                + ESP
                + "\ntype="
                + LINUX
                + "\n");

    PartitionTable.Choice choice = table(image).bootFirmware();

    assertThat(choice.firmware()).isEqualTo(Firmware.BIOS);
    assertThat(choice.reason())
        .isEqualTo("a GPT with a BIOS boot partition (and an EFI system partition)");
  }

  @Test
  void gptWithoutAnEspBootsBios() throws Exception {
    Path image = disk("plain-gpt", "label: gpt\ntype=" + LINUX + "\n");

    assertThat(table(image).bootFirmware())
        .isEqualTo(
            new PartitionTable.Choice(Firmware.BIOS, "a GPT without an EFI system partition"));
  }

  @Test
  void mbrBootsBios() throws Exception {
    // The layout of the BIOS test fixture and of many older cloud images (boot code added below).
    Path raw = dir.resolve("mbr.raw");
    try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
      f.setLength(16 << 20);
    }
    sfdisk(raw, "label: dos\nstart=2048, type=83, bootable\n");
    try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
      f.write(new byte[] {(byte) 0xeb, 0x63, (byte) 0x90}); // GRUB's boot.img starts so
    }

    PartitionTable table = table(qcow2(raw));

    assertThat(table.scheme()).isEqualTo(PartitionTable.Scheme.MBR);
    assertThat(table.mbrBootCode()).isTrue();
    assertThat(table.partitions())
        .extracting(PartitionTable.Partition::type)
        .containsExactly("0x83");
    assertThat(table.bootFirmware())
        .isEqualTo(
            new PartitionTable.Choice(Firmware.BIOS, "an MBR partition table with boot code"));
  }

  @Test
  void mbrWhoseOnlyWayToBootIsAnEspBootsUefi() throws Exception {
    Path image = disk("mbr-esp", "label: dos\nstart=2048, size=8192, type=ef\ntype=83\n");

    PartitionTable.Choice choice = table(image).bootFirmware();

    assertThat(choice.firmware()).isEqualTo(Firmware.UEFI);
    assertThat(choice.reason()).contains("type 0xEF").contains("no boot code");
  }

  @Test
  void mbrWithAnEspAndBootCodeBootsBios() throws Exception {
    Path raw = dir.resolve("mbr-esp-code.raw");
    try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
      f.setLength(16 << 20);
    }
    sfdisk(raw, "label: dos\nstart=2048, size=8192, type=ef\ntype=83\n");
    try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
      f.write(new byte[] {(byte) 0xeb, 0x63, (byte) 0x90});
    }

    assertThat(table(qcow2(raw)).bootFirmware().firmware()).isEqualTo(Firmware.BIOS);
  }

  @Test
  void aBlankDiskHasNoTableAndBootsBios() throws Exception {
    Path image = disk("blank", null);

    PartitionTable table = table(image);

    assertThat(table.scheme()).isEqualTo(PartitionTable.Scheme.NONE);
    assertThat(table.bootFirmware().firmware()).isEqualTo(Firmware.BIOS);
    assertThat(table.bootFirmware().reason()).startsWith("no partition table in its first MiB");
  }

  @Test
  void aGptWith4096ByteSectorsIsRead() throws Exception {
    Path image =
        disk(
            "4k",
            "label: gpt\nsector-size: 4096\nstart=256, size=2048, type="
                + ESP
                + "\ntype="
                + LINUX
                + "\n");

    PartitionTable table = table(image);

    assertThat(table.scheme()).isEqualTo(PartitionTable.Scheme.GPT);
    assertThat(table.bootFirmware().firmware()).isEqualTo(Firmware.UEFI);
  }

  @Test
  void aGptWithADamagedHeaderIsNotTrusted() throws Exception {
    Path raw = dir.resolve("damaged.raw");
    try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
      f.setLength(16 << 20);
    }
    sfdisk(raw, "label: gpt\nstart=2048, size=8192, type=" + ESP + "\ntype=" + LINUX + "\n");
    try (RandomAccessFile f = new RandomAccessFile(raw.toFile(), "rw")) {
      f.seek(512 + 40); // the first usable LBA, covered by the header's CRC32
      f.write(0x7f);
    }

    PartitionTable table = table(qcow2(raw));

    assertThat(table.scheme())
        .as("the protective MBR is all that is left")
        .isEqualTo(PartitionTable.Scheme.MBR);
    assertThat(table.partitions())
        .extracting(PartitionTable.Partition::type)
        .containsExactly("0xEE");
    assertThat(table.bootFirmware().firmware()).isEqualTo(Firmware.BIOS);
  }

  @Test
  void readsFewerBytesOfADiskSmallerThanAMebibyte() throws Exception {
    Path raw = dir.resolve("tiny.raw");
    Files.write(raw, new byte[4096]);

    byte[] head = qemuImg.head(raw, "raw", PartitionTable.HEAD_BYTES);

    assertThat(head).hasSize(4096);
    assertThat(PartitionTable.read(head).scheme()).isEqualTo(PartitionTable.Scheme.NONE);
    assertThat(PartitionTable.read(new byte[0]).scheme()).isEqualTo(PartitionTable.Scheme.NONE);
  }
}
