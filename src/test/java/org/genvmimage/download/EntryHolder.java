package org.genvmimage.download;

import java.nio.file.Path;

/**
 * A separate process for tests: holds a cache entry's lock shared ({@code <cache dir> <type>
 * <hex>}), as a build that reads it does; says "locked", and lets go when stdin ends.
 */
public final class EntryHolder {
  private EntryHolder() {}

  @SuppressWarnings("try") // the resource is held for the body, never used in it
  public static void main(String[] args) throws Exception {
    try (EntryLock lock =
        new DownloadCache(Path.of(args[0])).lockShared(new Digest(args[1], args[2]))) {
      System.out.println("locked");
      System.out.flush();
      while (System.in.read() >= 0) {
        // hold the lock
      }
    }
  }

  /** Starts the holder; returns once it holds the lock. */
  public static Process start(Path cacheDir, String type, String hex) throws Exception {
    Process p =
        new ProcessBuilder(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                EntryHolder.class.getName(),
                cacheDir.toString(),
                type,
                hex)
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    String line =
        new java.io.BufferedReader(new java.io.InputStreamReader(p.getInputStream(), "UTF-8"))
            .readLine();
    if (!"locked".equals(line)) {
      p.destroyForcibly();
      throw new IllegalStateException("the entry holder said " + line);
    }
    return p;
  }
}
