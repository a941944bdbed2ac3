package org.genvmimage.download;

/**
 * A held lock on one {@link DownloadCache} entry ({@code <type>/<hex>.lock}): shared by the builds
 * that read (or download) the entry, exclusive for whoever removes it. Close it to let go; closing
 * again does nothing.
 */
public final class EntryLock implements AutoCloseable {
  private final String checksumType;
  private final String checksumHex;
  private final FileLocks.Held held;

  EntryLock(String checksumType, String checksumHex, FileLocks.Held held) {
    this.checksumType = checksumType;
    this.checksumHex = checksumHex;
    this.held = held;
  }

  public String checksumType() {
    return checksumType;
  }

  public String checksumHex() {
    return checksumHex;
  }

  /** True for a shared (reading) lock, false for an exclusive one. */
  public boolean shared() {
    return held.kind() != FileLocks.Kind.EXCLUSIVE;
  }

  /** True until closed. */
  public boolean isHeld() {
    return held.isHeld();
  }

  @Override
  public void close() {
    held.close();
  }

  FileLocks.Held held() {
    return held;
  }

  boolean isExclusiveFor(String type, String hex) {
    return !shared() && isHeld() && checksumType.equals(type) && checksumHex.equals(hex);
  }
}
