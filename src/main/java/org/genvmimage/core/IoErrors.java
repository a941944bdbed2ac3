package org.genvmimage.core;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;

/** The short reason of an I/O failure, for one-line messages that already name the file. */
public final class IoErrors {
  private IoErrors() {}

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
