package org.genvmimage.qemu;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.genvmimage.core.GenVmException;
import org.genvmimage.process.CommandSpec;
import org.genvmimage.process.ProcessRunner;

/** Small disk images made with the real qemu-img, and deterministic damage to them. */
final class TestImages {
  static final long MIB = 1L << 20;

  private TestImages() {}

  /** Runs qemu-img with these arguments and returns its stdout. */
  static String qemuImg(String... args) {
    List<String> command = new ArrayList<>(List.of("qemu-img"));
    command.addAll(List.of(args));
    return new ProcessRunner().run(CommandSpec.of(command)).stdout();
  }

  /** A raw disk of {@code size} bytes whose first {@code dataBytes} are seeded random data. */
  static Path raw(Path file, long size, int dataBytes) throws IOException {
    byte[] data = new byte[dataBytes];
    new Random(42).nextBytes(data);
    Files.write(file, data);
    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE)) {
      channel.truncate(size);
      if (channel.size() < size) {
        channel.write(ByteBuffer.allocate(1), size - 1);
      }
    }
    return file;
  }

  /** A qcow2 image of 4 MiB with 1 MiB of data, with the given compat level ("1.1" or "0.10"). */
  static Path qcow2(Path file, String compat) throws IOException {
    Path raw = raw(file.resolveSibling(file.getFileName() + ".src.raw"), 4 * MIB, (int) MIB);
    return org.genvmimage.testing.TestImages.rawToQcow2(raw, file, compat);
  }

  /**
   * A LUKS-encrypted qcow2 image. qemu-img times its key derivation with the thread's CPU clock,
   * which on coarse-grained virtual machines sometimes reads zero ("Unable to get accurate CPU
   * usage"), so creation is retried.
   */
  static Path encryptedQcow2(Path file) {
    GenVmException last = null;
    for (int attempt = 0; attempt < 20; attempt++) {
      try {
        qemuImg(
            "create",
            "-q",
            "-f",
            "qcow2",
            "--object",
            "secret,id=sec0,data=test",
            "-o",
            "encrypt.format=luks,encrypt.key-secret=sec0,encrypt.iter-time=10",
            file.toString(),
            "4M");
        return file;
      } catch (GenVmException e) {
        last = e;
      }
    }
    throw last;
  }

  /** Zeroes the first refcount block: every allocated cluster then has refcount 0 (corrupt). */
  static void zeroFirstRefcountBlock(Path qcow2) throws IOException {
    try (FileChannel channel =
        FileChannel.open(qcow2, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      long refcountBlock = readLong(channel, readLong(channel, 48));
      channel.write(ByteBuffer.allocate(clusterSize(channel)), refcountBlock);
    }
  }

  /**
   * Appends one cluster and marks it used in the refcount table while nothing refers to it: one
   * leaked cluster, no corruption.
   */
  static void leakOneCluster(Path qcow2) throws IOException {
    try (FileChannel channel =
        FileChannel.open(qcow2, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
      int clusterSize = clusterSize(channel);
      long cluster = channel.size() / clusterSize;
      long refcountBlock = readLong(channel, readLong(channel, 48));
      channel.write(ByteBuffer.allocate(2).putShort(0, (short) 1), refcountBlock + 2 * cluster);
      channel.write(ByteBuffer.allocate(clusterSize), cluster * clusterSize);
    }
  }

  private static int clusterSize(FileChannel channel) throws IOException {
    ByteBuffer bits = ByteBuffer.allocate(4);
    channel.read(bits, 20);
    return 1 << bits.getInt(0);
  }

  private static long readLong(FileChannel channel, long offset) throws IOException {
    ByteBuffer buffer = ByteBuffer.allocate(8);
    channel.read(buffer, offset);
    return buffer.getLong(0);
  }
}
