package org.genvmimage.core;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** The short reason of an I/O failure, for one-line messages that already name the file. */
public final class IoErrors {
  private IoErrors() {}

  /**
   * "file: reason", naming the file once even when the exception's own message starts with it (as
   * {@code FileChannel} and {@link DirectWriter} errors do).
   */
  public static String withFile(java.nio.file.Path file, IOException e) {
    String prefix = file + ": ";
    String reason = reason(e);
    while (reason.startsWith(prefix)) {
      reason = reason.substring(prefix.length());
    }
    if (e instanceof FileSystemException f && file.toString().equals(f.getFile())) {
      reason = f.getReason() != null ? f.getReason() : reason;
    }
    return prefix + reason;
  }

  /** Whether the failure is a full file system (or an exhausted disk quota). */
  public static boolean noSpace(IOException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = t.getMessage();
      if (m != null
          && (m.contains("No space left on device") || m.contains("Disk quota exceeded"))) {
        return true;
      }
    }
    return false;
  }

  /** E.g. "permission denied", "Not a directory", "no such file: /x/y". */
  public static String reason(IOException e) {
    if (e instanceof AccessDeniedException) {
      return "permission denied";
    }
    if (e instanceof NoSuchFileException f) {
      return "no such file: " + f.getFile();
    }
    if (e instanceof FileSystemException f && f.getReason() != null) {
      return f.getReason();
    }
    if (e.getMessage() != null) {
      return e.getMessage();
    }
    return e.getClass().getSimpleName().replace("Exception", "");
  }
}
