package org.genvmimage.configure;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import org.genvmimage.cloudinit.CloudInitWatcher;

/** The end of the guest console log, quoted in errors. */
final class ConsoleTail {
  /** Lines of the guest console quoted in errors. */
  static final int LINES = 12;

  private ConsoleTail() {}

  /** "; the guest console (LOG) ends with: ..." to append to an error message. */
  static String of(Path log) {
    List<String> lines = lines(log, LINES);
    if (lines.isEmpty()) {
      return "; the guest console (" + log + ") is empty";
    }
    return "; the guest console (" + log + ") ends with:\n  " + String.join("\n  ", lines);
  }

  /** The last non-empty lines of a console log, without terminal escapes. */
  static List<String> lines(Path log, int count) {
    try {
      if (!Files.isRegularFile(log)) {
        return List.of();
      }
      long size = Files.size(log);
      byte[] bytes;
      try (FileChannel ch = FileChannel.open(log, StandardOpenOption.READ)) {
        long from = Math.max(0, size - 16 * 1024);
        ByteBuffer buffer = ByteBuffer.allocate((int) (size - from));
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
}
