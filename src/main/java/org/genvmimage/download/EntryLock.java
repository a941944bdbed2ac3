package org.genvmimage.download;

/**
 * A held lock on one {@link DownloadCache} entry ({@code <type>/<hex>.lock}): shared by the builds
 * that read (or download) the entry, exclusive for whoever removes it. Close it to let go; closing
 * again does nothing.
 */
public final class EntryLock implements AutoCloseable {
  private final Digest digest;
  private final FileLocks.Held held;

  EntryLock(Digest digest, FileLocks.Held held) {
    this.digest = digest;
    this.held = held;
  }

  /** The digest of the locked entry. */
  public Digest digest() {
    return digest;
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

  boolean isExclusiveFor(Digest other) {
    return !shared() && isHeld() && digest.equals(other);
  }
}
