package org.genvmimage.cloudinit;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static java.nio.charset.StandardCharsets.UTF_16BE;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes an ISO 9660 image with Joliet names that holds files in its root folder: what a cloud-init
 * NoCloud seed needs, in pure Java.
 *
 * <p>The image has a primary volume descriptor with ISO 9660 level 1 names ({@code USER_DAT.;1}), a
 * Joliet supplementary volume descriptor (UCS-2 level 3) with the exact names ({@code user-data}),
 * little- and big-endian path tables for both trees, and the files' data, each file once, shared by
 * both trees. Linux, the BSDs and Windows read the Joliet names; readers without Joliet see the
 * level 1 names. The volume label goes into both descriptors as given (lower case stays lower case,
 * as {@code genisoimage -volid cidata} does); the Joliet copy holds its first 16 characters. Like
 * genisoimage, 150 zero sectors follow the data, so that drive read-ahead never reads past the end
 * of the volume.
 *
 * <p>The output depends only on the label and the files: files are laid out in name order, every
 * date is fixed (file dates are 1980-01-01 00:00 UTC; the volume dates are "not specified"), and
 * nothing is random. The same input always gives the same bytes.
 */
public final class IsoWriter {
  /** Bytes in a logical sector (and logical block). */
  public static final int SECTOR = 2048;

  /** The longest file name, in UTF-16 code units: Joliet's limit. */
  public static final int MAX_NAME_LENGTH = 64;

  /** The largest file, in bytes. */
  public static final int MAX_FILE_BYTES = 64 * 1024 * 1024;

  /** The most files in one image. */
  public static final int MAX_FILES = 256;

  static final int PAD_SECTORS = 150;

  private static final Pattern LABEL = Pattern.compile("[A-Za-z0-9_]{1,32}");
  private static final String FORBIDDEN_IN_NAMES = "*/:;?\\";
  private static final String APPLICATION = "GEN-VM-IMAGE";
  private static final int FIRST_FREE_SECTOR = 19; // 0-15 system area, 16 PVD, 17 SVD, 18 end
  private static final int PATH_TABLE_SIZE = 10; // one record: the root folder
  private static final byte[] FILE_DATE = {80, 1, 1, 0, 0, 0, 0}; // 1980-01-01 00:00:00 UTC
  private static final byte[] NO_DATE = "0000000000000000\0".getBytes(US_ASCII);
  private static final byte[] DOT = {0};
  private static final byte[] DOT_DOT = {1};
  private static final int FLAG_DIRECTORY = 2;

  private IsoWriter() {}

  /**
   * Writes the image to {@code out}, creating or replacing it in place (write to a temporary file
   * and rename it, if readers must never see half an image).
   *
   * @throws IllegalArgumentException when the label or a file is not allowed (see {@link
   *     #write(String, List, OutputStream)})
   */
  public static void write(String volumeLabel, List<IsoFile> files, Path out) throws IOException {
    String label = checkLabel(volumeLabel);
    Layout layout = new Layout(files);
    try (OutputStream stream = new BufferedOutputStream(Files.newOutputStream(out), 1 << 16)) {
      layout.writeTo(label, stream);
    }
  }

  /**
   * Writes the image to {@code out} (which stays open).
   *
   * @param volumeLabel 1 to 32 characters of {@code A-Z a-z 0-9 _}, e.g. {@code cidata}
   * @param files at most {@value #MAX_FILES} files, in any order, each at most {@value
   *     #MAX_FILE_BYTES} bytes; names are 1 to {@value #MAX_NAME_LENGTH} characters, unique
   *     ignoring case, without control characters, {@code * / : ; ? \} or characters outside
   *     Unicode's basic plane, and are not {@code .} or {@code ..}
   * @throws IllegalArgumentException when the label or a file is not allowed
   */
  public static void write(String volumeLabel, List<IsoFile> files, OutputStream out)
      throws IOException {
    String label = checkLabel(volumeLabel);
    new Layout(files).writeTo(label, out);
  }

  /**
   * The size of the image for these files, in bytes.
   *
   * @throws IllegalArgumentException when a file is not allowed
   */
  public static long imageSize(List<IsoFile> files) {
    return (long) new Layout(files).totalSectors * SECTOR;
  }

  /** One file's place in the image. */
  private record Entry(IsoFile file, byte[] primaryId, byte[] jolietId, int extent) {}

  /** Where everything goes; computed once, then written sector by sector. */
  private static final class Layout {
    final List<Entry> byJolietName = new ArrayList<>();
    final List<Entry> byPrimaryName;
    final int primaryDir;
    final int primaryDirSectors;
    final int jolietDir;
    final int jolietDirSectors;
    final int totalSectors;

    Layout(List<IsoFile> files) {
      List<IsoFile> sorted = checkFiles(files);
      List<String> primaryIds = primaryIdentifiers(sorted.stream().map(IsoFile::name).toList());
      int sector = FIRST_FREE_SECTOR + 4; // four path tables, one sector each
      primaryDir = sector;
      primaryDirSectors = directorySectors(primaryIds.stream().map(String::length).toList());
      sector += primaryDirSectors;
      jolietDir = sector;
      jolietDirSectors = directorySectors(sorted.stream().map(f -> 2 * f.name().length()).toList());
      sector += jolietDirSectors;
      for (int i = 0; i < sorted.size(); i++) {
        IsoFile file = sorted.get(i);
        byJolietName.add(
            new Entry(
                file,
                primaryIds.get(i).getBytes(US_ASCII),
                file.name().getBytes(UTF_16BE),
                sector));
        sector += sectors(file.size());
      }
      totalSectors = sector + PAD_SECTORS;
      byPrimaryName =
          byJolietName.stream()
              .sorted(
                  Comparator.comparing(
                      (Entry e) -> new String(e.primaryId(), US_ASCII),
                      IsoWriter::comparePrimaryIds))
              .toList();
    }

    void writeTo(String label, OutputStream out) throws IOException {
      out.write(new byte[16 * SECTOR]);
      out.write(volumeDescriptor(label, false));
      out.write(volumeDescriptor(label, true));
      out.write(terminator());
      out.write(pathTable(primaryDir, ByteOrder.LITTLE_ENDIAN));
      out.write(pathTable(primaryDir, ByteOrder.BIG_ENDIAN));
      out.write(pathTable(jolietDir, ByteOrder.LITTLE_ENDIAN));
      out.write(pathTable(jolietDir, ByteOrder.BIG_ENDIAN));
      out.write(directory(primaryDir, primaryDirSectors, byPrimaryName, false));
      out.write(directory(jolietDir, jolietDirSectors, byJolietName, true));
      for (Entry entry : byJolietName) {
        entry.file().writeTo(out);
        out.write(new byte[sectors(entry.file().size()) * SECTOR - entry.file().size()]);
      }
      byte[] zeros = new byte[SECTOR];
      for (int i = 0; i < PAD_SECTORS; i++) {
        out.write(zeros);
      }
      out.flush();
    }

    private byte[] volumeDescriptor(String label, boolean joliet) {
      ByteBuffer b = ByteBuffer.allocate(SECTOR);
      b.put((byte) (joliet ? 2 : 1)).put("CD001".getBytes(US_ASCII)).put((byte) 1);
      text(b, 8, 32, "", joliet); // system identifier
      text(b, 40, 32, joliet ? truncate(label, 16) : label, joliet);
      both32(b.position(80), totalSectors);
      if (joliet) {
        b.position(88).put((byte) '%').put((byte) '/').put((byte) 'E'); // UCS-2 level 3
      }
      both16(b.position(120), 1); // volume set size
      both16(b, 1); // volume sequence number
      both16(b, SECTOR);
      both32(b, PATH_TABLE_SIZE);
      int dir = joliet ? jolietDir : primaryDir;
      int pathTables = joliet ? FIRST_FREE_SECTOR + 2 : FIRST_FREE_SECTOR;
      b.order(ByteOrder.LITTLE_ENDIAN).putInt(pathTables).putInt(0);
      b.order(ByteOrder.BIG_ENDIAN).putInt(pathTables + 1).putInt(0);
      b.put(record(dir, (joliet ? jolietDirSectors : primaryDirSectors) * SECTOR, DOT, true));
      text(b, 190, 128, "", joliet); // volume set
      text(b, 318, 128, "", joliet); // publisher
      text(b, 446, 128, "", joliet); // data preparer
      text(b, 574, 128, APPLICATION, joliet);
      text(b, 702, 37, "", joliet); // copyright file
      text(b, 739, 37, "", joliet); // abstract file
      text(b, 776, 37, "", joliet); // bibliographic file
      for (int offset = 813; offset < 881; offset += NO_DATE.length) {
        b.put(offset, NO_DATE); // creation, modification, expiration, effective
      }
      b.put(881, (byte) 1); // file structure version
      return b.array();
    }

    private static byte[] terminator() {
      byte[] sector = new byte[SECTOR];
      sector[0] = (byte) 255;
      System.arraycopy("CD001".getBytes(US_ASCII), 0, sector, 1, 5);
      sector[6] = 1;
      return sector;
    }

    private static byte[] pathTable(int dirSector, ByteOrder order) {
      ByteBuffer b = ByteBuffer.allocate(SECTOR).order(order);
      b.put((byte) 1).put((byte) 0).putInt(dirSector).putShort((short) 1).put((byte) 0);
      return b.array();
    }

    private static byte[] directory(int start, int count, List<Entry> entries, boolean joliet) {
      ByteBuffer b = ByteBuffer.allocate(count * SECTOR);
      List<byte[]> records = new ArrayList<>();
      records.add(record(start, count * SECTOR, DOT, true));
      records.add(record(start, count * SECTOR, DOT_DOT, true));
      for (Entry e : entries) {
        records.add(
            record(e.extent(), e.file().size(), joliet ? e.jolietId() : e.primaryId(), false));
      }
      for (byte[] r : records) {
        if (b.position() % SECTOR + r.length > SECTOR) {
          b.position((b.position() / SECTOR + 1) * SECTOR); // records never cross sectors
        }
        b.put(r);
      }
      return b.array();
    }
  }

  private static byte[] record(int extent, int length, byte[] id, boolean directory) {
    ByteBuffer b = ByteBuffer.allocate(recordLength(id.length));
    b.put((byte) b.capacity()).put((byte) 0);
    both32(b, extent);
    both32(b, length);
    b.put(FILE_DATE).put((byte) (directory ? FLAG_DIRECTORY : 0)).put((byte) 0).put((byte) 0);
    both16(b, 1);
    b.put((byte) id.length).put(id);
    return b.array();
  }

  private static int recordLength(int idLength) {
    return 33 + idLength + (idLength % 2 == 0 ? 1 : 0);
  }

  /** Sectors for a folder with "." and ".." and records with these identifier lengths. */
  private static int directorySectors(List<Integer> idLengths) {
    List<Integer> all = new ArrayList<>(List.of(1, 1));
    all.addAll(idLengths);
    int sectors = 1;
    int used = 0;
    for (int idLength : all) {
      int length = recordLength(idLength);
      if (used + length > SECTOR) {
        sectors++;
        used = 0;
      }
      used += length;
    }
    return sectors;
  }

  private static int sectors(long bytes) {
    return (int) ((bytes + SECTOR - 1) / SECTOR);
  }

  private static void both16(ByteBuffer b, int value) {
    b.order(ByteOrder.LITTLE_ENDIAN).putShort((short) value);
    b.order(ByteOrder.BIG_ENDIAN).putShort((short) value);
  }

  private static void both32(ByteBuffer b, int value) {
    b.order(ByteOrder.LITTLE_ENDIAN).putInt(value);
    b.order(ByteOrder.BIG_ENDIAN).putInt(value);
  }

  /** A space-padded text field: ASCII, or UCS-2 big-endian in the Joliet descriptor. */
  private static void text(ByteBuffer b, int offset, int length, String value, boolean ucs2) {
    byte[] field = new byte[length];
    if (ucs2) {
      for (int i = 0; i + 1 < length; i += 2) {
        char c = i / 2 < value.length() ? value.charAt(i / 2) : ' ';
        field[i] = (byte) (c >> 8);
        field[i + 1] = (byte) c;
      }
    } else {
      for (int i = 0; i < length; i++) {
        field[i] = (byte) (i < value.length() ? value.charAt(i) : ' ');
      }
    }
    b.put(offset, field);
  }

  private static String truncate(String s, int max) {
    return s.length() <= max ? s : s.substring(0, max);
  }

  private static String checkLabel(String label) {
    if (label == null || !LABEL.matcher(label).matches()) {
      throw new IllegalArgumentException(
          "volume label '" + label + "': expected 1 to 32 characters of A-Z a-z 0-9 _");
    }
    return label;
  }

  /** Checks the files and returns them sorted by name. */
  private static List<IsoFile> checkFiles(List<IsoFile> files) {
    if (files.size() > MAX_FILES) {
      throw new IllegalArgumentException(
          files.size() + " files: an image holds at most " + MAX_FILES);
    }
    Set<String> seen = new HashSet<>();
    for (IsoFile file : files) {
      String name = file.name();
      String problem = nameProblem(name);
      if (problem != null) {
        throw new IllegalArgumentException("file name '" + name + "': " + problem);
      }
      if (!seen.add(name.toLowerCase(Locale.ROOT))) {
        throw new IllegalArgumentException(
            "file name '" + name + "': used twice (names must be unique, ignoring case)");
      }
      if (file.size() > MAX_FILE_BYTES) {
        throw new IllegalArgumentException(
            "file '" + name + "': " + file.size() + " bytes (at most " + MAX_FILE_BYTES + ")");
      }
    }
    return files.stream().sorted(Comparator.comparing(IsoFile::name)).toList();
  }

  private static String nameProblem(String name) {
    if (name.isEmpty()) {
      return "empty";
    }
    if (name.length() > MAX_NAME_LENGTH) {
      return name.length() + " characters (at most " + MAX_NAME_LENGTH + ")";
    }
    if (name.equals(".") || name.equals("..")) {
      return "not a file name";
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c < 0x20 || c == 0x7f || FORBIDDEN_IN_NAMES.indexOf(c) >= 0) {
        return String.format("character U+%04X is not allowed in Joliet names", (int) c);
      }
      if (Character.isSurrogate(c)) {
        return "characters outside Unicode's basic plane are not allowed in Joliet names";
      }
    }
    return null;
  }

  /**
   * ISO 9660 level 1 identifiers ({@code NAME.EXT;1}: at most 8 + 3 d-characters) for these names,
   * unique: a name that maps onto a taken identifier gets a number at the end of its 8 characters.
   */
  static List<String> primaryIdentifiers(List<String> names) {
    Set<String> taken = new HashSet<>();
    List<String> ids = new ArrayList<>();
    for (String name : names) {
      int dot = name.lastIndexOf('.');
      String base = dCharacters(dot < 0 ? name : name.substring(0, dot));
      String ext = truncate(dot < 0 ? "" : dCharacters(name.substring(dot + 1)), 3);
      if (base.isEmpty() && ext.isEmpty()) {
        base = "_";
      }
      String id = truncate(base, 8) + "." + ext + ";1";
      for (int n = 1; !taken.add(id); n++) {
        String suffix = Integer.toString(n);
        id = truncate(base, 8 - suffix.length()) + suffix + "." + ext + ";1";
      }
      ids.add(id);
    }
    return ids;
  }

  private static String dCharacters(String s) {
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c >= 'a' && c <= 'z') {
        out.append((char) (c - 'a' + 'A'));
      } else if ((c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_') {
        out.append(c);
      } else {
        out.append('_');
      }
    }
    return out.toString();
  }

  /** ISO 9660 order: names compared padded with spaces, then extensions (9.3 of ECMA-119). */
  static int comparePrimaryIds(String a, String b) {
    int byName = padded(part(a, 0), part(b, 0));
    return byName != 0 ? byName : padded(part(a, 1), part(b, 1));
  }

  private static String part(String id, int index) {
    String withoutVersion = id.substring(0, id.indexOf(';'));
    int dot = withoutVersion.indexOf('.');
    return index == 0 ? withoutVersion.substring(0, dot) : withoutVersion.substring(dot + 1);
  }

  private static int padded(String a, String b) {
    for (int i = 0; i < Math.max(a.length(), b.length()); i++) {
      char x = i < a.length() ? a.charAt(i) : ' ';
      char y = i < b.length() ? b.charAt(i) : ' ';
      if (x != y) {
        return Character.compare(x, y);
      }
    }
    return 0;
  }
}
