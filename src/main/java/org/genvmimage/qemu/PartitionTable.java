package org.genvmimage.qemu;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.CRC32;

/**
 * The partition table at the start of a disk, read from its first bytes as a guest sees them (raw),
 * and the firmware it boots with.
 *
 * <p>A GPT counts only behind an MBR with a protective (or hybrid) entry of type {@code 0xEE} and
 * with a header whose CRC32 checks, as Linux reads it; it is looked for at LBA 1 of 512-byte and of
 * 4096-byte sectors. Otherwise a boot signature {@code 55 AA} makes it an MBR table. Anything else
 * (a blank disk, a file system on the whole disk) has none.
 *
 * @param scheme which table
 * @param partitions the used entries, in table order
 * @param mbrBootCode whether the MBR's boot code area (its first 440 bytes) holds anything
 * @param entriesCut whether the GPT's entries array ends beyond the bytes read (some are missing)
 */
public record PartitionTable(
    Scheme scheme, List<Partition> partitions, boolean mbrBootCode, boolean entriesCut) {

  /** The partition table kinds. */
  public enum Scheme {
    NONE,
    MBR,
    GPT
  }

  /**
   * One partition entry.
   *
   * @param type the GPT type GUID in upper case, or the MBR type as {@code 0xEF}
   * @param name the GPT partition name, or empty
   */
  public record Partition(String type, String name) {}

  /** The GPT type of an EFI system partition. */
  public static final String ESP_GUID = "C12A7328-F81F-11D2-BA4B-00A0C93EC93B";

  /** The GPT type of a BIOS boot partition (GRUB's core.img on a GPT disk under BIOS). */
  public static final String BIOS_BOOT_GUID = "21686148-6449-6E6F-744E-656564454649";

  /** The MBR type of an EFI system partition. */
  public static final String ESP_MBR_TYPE = "0xEF";

  /** How many bytes from the start of the disk {@link #read} wants: 1 MiB. */
  public static final int HEAD_BYTES = 1 << 20;

  private static final byte[] GPT_SIGNATURE = "EFI PART".getBytes(StandardCharsets.US_ASCII);

  public PartitionTable {
    partitions = List.copyOf(partitions);
  }

  /** Reads the table from the disk's first bytes (raw; fewer than {@link #HEAD_BYTES} is fine). */
  public static PartitionTable read(byte[] head) {
    ByteBuffer b = ByteBuffer.wrap(head).order(ByteOrder.LITTLE_ENDIAN);
    if (head.length < 512 || (b.get(510) & 0xff) != 0x55 || (b.get(511) & 0xff) != 0xaa) {
      return new PartitionTable(Scheme.NONE, List.of(), false, false);
    }
    boolean bootCode = false;
    for (int i = 0; i < 440 && !bootCode; i++) {
      bootCode = head[i] != 0;
    }
    List<Partition> mbr = new ArrayList<>();
    boolean protective = false;
    for (int i = 0; i < 4; i++) {
      int type = b.get(446 + 16 * i + 4) & 0xff;
      if (type != 0) {
        mbr.add(new Partition(String.format(Locale.ROOT, "0x%02X", type), ""));
        protective |= type == 0xee;
      }
    }
    if (protective) {
      for (int sector : new int[] {512, 4096}) {
        PartitionTable gpt = gpt(b, sector, bootCode);
        if (gpt != null) {
          return gpt;
        }
      }
    }
    return new PartitionTable(Scheme.MBR, mbr, bootCode, false);
  }

  /** The GPT whose header is at LBA 1 of {@code sector}-byte sectors, or null. */
  private static PartitionTable gpt(ByteBuffer b, int sector, boolean bootCode) {
    int limit = b.capacity();
    if (limit < sector + 92) {
      return null;
    }
    for (int i = 0; i < GPT_SIGNATURE.length; i++) {
      if (b.get(sector + i) != GPT_SIGNATURE[i]) {
        return null;
      }
    }
    int headerSize = b.getInt(sector + 12);
    if (headerSize < 92 || headerSize > sector) {
      return null;
    }
    byte[] header = new byte[headerSize];
    b.get(sector, header);
    header[16] = header[17] = header[18] = header[19] = 0;
    CRC32 crc = new CRC32();
    crc.update(header);
    if ((int) crc.getValue() != b.getInt(sector + 16)) {
      return null;
    }
    long entriesLba = b.getLong(sector + 72);
    long count = Integer.toUnsignedLong(b.getInt(sector + 80));
    long entrySize = Integer.toUnsignedLong(b.getInt(sector + 84));
    if (entrySize < 128 || count > 1 << 16 || entriesLba < 2) {
      return null;
    }
    List<Partition> partitions = new ArrayList<>();
    boolean cut = false;
    for (long i = 0; i < count; i++) {
      long at = entriesLba * sector + i * entrySize;
      if (at + 128 > limit) {
        cut = true;
        break;
      }
      String type = guid(b, (int) at);
      if (!type.equals("00000000-0000-0000-0000-000000000000")) {
        byte[] name = new byte[72];
        b.get((int) at + 56, name);
        String text = new String(name, StandardCharsets.UTF_16LE);
        int end = text.indexOf('\0');
        partitions.add(new Partition(type, end < 0 ? text : text.substring(0, end)));
      }
    }
    return new PartitionTable(Scheme.GPT, partitions, bootCode, cut);
  }

  /** A GUID as GPT stores it (first three fields little-endian), in upper case. */
  private static String guid(ByteBuffer b, int at) {
    StringBuilder s =
        new StringBuilder(
            String.format(
                Locale.ROOT,
                "%08X-%04X-%04X-",
                b.getInt(at),
                b.getShort(at + 4) & 0xffff,
                b.getShort(at + 6) & 0xffff));
    for (int i = 8; i < 16; i++) {
      if (i == 10) {
        s.append('-');
      }
      s.append(String.format(Locale.ROOT, "%02X", b.get(at + i) & 0xff));
    }
    return s.toString();
  }

  /** Whether an entry is an EFI system partition. */
  public boolean hasEfiSystemPartition() {
    String type = scheme == Scheme.GPT ? ESP_GUID : ESP_MBR_TYPE;
    return partitions.stream().anyMatch(p -> p.type().equals(type));
  }

  /** Whether the GPT has a BIOS boot partition. */
  public boolean hasBiosBootPartition() {
    return scheme == Scheme.GPT
        && partitions.stream().anyMatch(p -> p.type().equals(BIOS_BOOT_GUID));
  }

  /**
   * The firmware this disk boots with, and why: UEFI for a GPT with an EFI system partition and no
   * BIOS boot partition, or an MBR whose only way to boot is an EFI system partition (no boot
   * code); BIOS for everything else (QEMU's default, which also boots disks made for both).
   */
  public Choice bootFirmware() {
    return switch (scheme) {
      case NONE ->
          new Choice(
              Firmware.BIOS,
              "no partition table in its first MiB (a blank disk or a whole-disk file system)");
      case MBR -> {
        if (hasEfiSystemPartition() && !mbrBootCode) {
          yield new Choice(
              Firmware.UEFI,
              "an MBR partition table with an EFI system partition (type 0xEF) and no boot code");
        }
        yield new Choice(
            Firmware.BIOS,
            "an MBR partition table" + (mbrBootCode ? " with boot code" : " (no boot code)"));
      }
      case GPT -> {
        if (hasBiosBootPartition()) {
          yield new Choice(
              Firmware.BIOS,
              "a GPT with a BIOS boot partition"
                  + (hasEfiSystemPartition() ? " (and an EFI system partition)" : ""));
        }
        if (hasEfiSystemPartition()) {
          yield new Choice(
              Firmware.UEFI, "a GPT with an EFI system partition and no BIOS boot partition");
        }
        yield new Choice(
            Firmware.BIOS,
            "a GPT without an EFI system partition"
                + (entriesCut ? " among the entries in its first MiB" : ""));
      }
    };
  }

  /**
   * A firmware chosen from the partition table.
   *
   * @param firmware BIOS or UEFI
   * @param reason what in the table chose it
   */
  public record Choice(Firmware firmware, String reason) {}
}
