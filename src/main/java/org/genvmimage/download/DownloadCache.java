package org.genvmimage.download;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The content-addressed download cache. Layout, under {@link #dir()}:
 *
 * <pre>
 * &lt;type&gt;/&lt;hex&gt;            a verified file (only ever renamed here after its digest matched)
 * &lt;type&gt;/&lt;hex&gt;.json       its metadata: source URLs, size, created, last used
 * &lt;type&gt;/&lt;hex&gt;.part       a download in progress or interrupted (resumed by the next fetch)
 * &lt;type&gt;/&lt;hex&gt;.part.json  the partial's source and validators (ETag, Last-Modified, size)
 * &lt;type&gt;/&lt;hex&gt;.lock       the entry's lock file
 * .lock                      the lock that guards opening and removing entry lock files
 * sums/&lt;key&gt;.json          the digest last read from a sums file for a file name (offline use)
 * </pre>
 *
 * <p>{@code <type>} is the canonical hashlib name ({@code sha256}) and {@code <hex>} the lower-case
 * digest.
 *
 * <p><b>Locking.</b> Builds hold an entry's lock shared while they look it up, download it (then
 * also holding its write lock, so that one download runs at a time) and read it; whoever removes an
 * entry holds its lock exclusively ({@link #lockExclusive}), so a reader never sees a half-removed
 * entry and a removal never pulls a file from under a reader or a download. Locks hold across
 * threads and processes ({@link FileLocks}). An entry lock file is opened only while the cache's
 * {@code .lock} is held shared, and waiting for the entry's lock happens within that; so a remover
 * that holds the entry exclusively and gets {@code .lock} exclusively knows that no one has the
 * entry's lock file open, and may delete it. When it cannot get {@code .lock} at once, it leaves
 * the lock file for a later {@link #removeStaleLockFiles}. A fetch that stores no verified file (it
 * failed or was interrupted) deletes the entry's lock file the same way on its way out ({@link
 * #removeUnusedLock}), and with it the type folder when that is left empty.
 */
public final class DownloadCache {
  private final CacheLayout layout;
  private final EntryMetadata metadata;
  private final CacheListing listing;
  private final CacheLocks locks;
  private final SumsRecords sums;

  public DownloadCache(Path dir) {
    this.layout = new CacheLayout(dir.toAbsolutePath().normalize());
    this.metadata = new EntryMetadata(layout);
    this.listing = new CacheListing(layout, metadata);
    this.locks = new CacheLocks(layout, listing);
    this.sums = new SumsRecords(layout);
  }

  /**
   * The default cache folder: {@code $XDG_CACHE_HOME/gen-vm-image} when that variable holds an
   * absolute path, else {@code $HOME/.cache/gen-vm-image}.
   */
  public static Path defaultDir(Map<String, String> env) {
    String xdg = env.get("XDG_CACHE_HOME");
    if (xdg != null && !xdg.isBlank() && Path.of(xdg).isAbsolute()) {
      return Path.of(xdg, "gen-vm-image");
    }
    String home = env.get("HOME");
    if (home == null || home.isBlank()) {
      home = System.getProperty("user.home");
    }
    return Path.of(home, ".cache", "gen-vm-image");
  }

  /** The cache's root folder (absolute). */
  public Path dir() {
    return layout.dir();
  }

  /** Where the verified file for a digest lives (whether or not it is there now). */
  public Path entryPath(Digest digest) {
    return layout.entryPath(digest);
  }

  /** The verified entry for a digest, if the cache holds it. */
  public Optional<CacheEntry> entry(Digest digest) {
    return find(digest, false);
  }

  /** The verified entry, or with {@code partial} the partial download, of a digest. */
  public Optional<CacheEntry> find(Digest digest, boolean partial) {
    return listing.find(digest, partial);
  }

  /** Every verified entry, by type then digest. */
  public List<CacheEntry> entries() {
    return list().stream().filter(e -> !e.partial()).toList();
  }

  /**
   * Every verified entry and every partial download, by type then digest (a partial download after
   * a verified file of the same digest).
   */
  public List<CacheEntry> list() {
    return listing.list();
  }

  // ---- paths used by the downloader

  Path typeDir(String checksumType) {
    return layout.typeDir(checksumType);
  }

  Path infoPath(Digest digest) {
    return layout.infoPath(digest);
  }

  Path partPath(Digest digest) {
    return layout.partPath(digest);
  }

  Path partInfoPath(Digest digest) {
    return layout.partInfoPath(digest);
  }

  Path lockPath(Digest digest) {
    return layout.lockPath(digest);
  }

  // ---- locks

  /**
   * Takes an entry's lock shared, as a build that reads the entry does; waits while someone writes
   * or removes it.
   *
   * @throws IOException when the lock file cannot be opened or locked
   * @throws InterruptedException when interrupted while waiting
   */
  public EntryLock lockShared(Digest digest) throws IOException, InterruptedException {
    return lock(digest, true, FileLocks.Waiting.NONE);
  }

  /**
   * Takes an entry's lock exclusively, waiting for every reader and writer to let go.
   *
   * @param onWait runs once, before waiting, when someone else holds the lock
   */
  public EntryLock lockExclusive(Digest digest, Runnable onWait)
      throws IOException, InterruptedException {
    return lock(digest, false, otherProcess -> onWait.run());
  }

  /** Takes an entry's lock exclusively if nobody else holds it. */
  public Optional<EntryLock> tryLockExclusive(Digest digest) throws IOException {
    return locks.tryExclusive(digest);
  }

  EntryLock lock(Digest digest, boolean shared, FileLocks.Waiting waiting)
      throws IOException, InterruptedException {
    return locks.acquire(digest, shared, true, waiting);
  }

  /**
   * Takes the entry's write lock, which serialises the downloads of one entry, for a holder of its
   * lock held shared; let go of it first.
   */
  EntryLock lockWriting(EntryLock reading, FileLocks.Waiting waiting)
      throws IOException, InterruptedException {
    return new EntryLock(reading.digest(), FileLocks.lockWrite(reading.held(), waiting));
  }

  // ---- removal

  /**
   * Removes an entry whose lock the caller holds exclusively: the verified file first (so nobody
   * new finds it), then its metadata; the partial download and its metadata; and the lock file when
   * neither file is left and nobody can be opening it.
   *
   * @param verified remove the verified file and its metadata
   * @param partial remove the partial download and its metadata
   * @return the bytes freed: the sizes of the verified file and the partial download removed
   */
  public long remove(EntryLock lock, boolean verified, boolean partial) throws IOException {
    return locks.remove(lock, verified, partial);
  }

  /**
   * After a fetch that left no verified file (it failed or was interrupted), lets no trace of the
   * entry's lock stay behind: deletes its lock file, and then its type folder when that is empty,
   * unless another thread or process holds the entry's lock or is taking any cache lock (then the
   * lock file stays for a later {@link #removeStaleLockFiles}, or for that user's own exit). A
   * partial download stays for a resume; its lock file is made again when it is resumed. The caller
   * must not hold the entry's lock. Best effort: never fails.
   *
   * <p>Safe against a concurrent fetch: lock files are only opened while {@code .lock} is held
   * shared (also while waiting for an entry's lock), and this deletes one only while holding {@code
   * .lock} exclusively and the entry's lock exclusively, so nobody has the file open, is waiting on
   * it, or can open it before it is gone; whoever comes next makes a new one.
   */
  public void removeUnusedLock(Digest digest) {
    locks.removeUnusedLock(digest);
  }

  /**
   * Deletes the lock files (and leftover metadata) of entries that have neither a verified file nor
   * a partial download, when nobody holds or is taking their locks.
   *
   * @return how many lock files were deleted
   */
  public int removeStaleLockFiles() throws IOException {
    return locks.removeStaleLockFiles();
  }

  /**
   * Deletes the digests remembered from sums files ({@code sums/}).
   *
   * @return the bytes freed
   */
  public long clearSums() throws IOException {
    return sums.clear();
  }

  // ---- entry metadata

  Optional<EntryInfo> readInfo(Digest digest) {
    return metadata.readInfo(digest);
  }

  void writeInfo(Digest digest, EntryInfo info) {
    metadata.writeInfo(digest, info);
  }

  /** See {@link EntryMetadata#touch}. */
  void touch(Digest digest, Optional<EntryInfo> info, long size, URI source) {
    metadata.touch(digest, info, size, source);
  }

  Optional<PartInfo> readPartInfo(Digest digest) {
    return metadata.readPartInfo(digest);
  }

  void writePartInfo(Digest digest, PartInfo info) throws IOException {
    metadata.writePartInfo(digest, info);
  }

  // ---- digests read from sums files, for offline use

  Optional<SumsRecords.SumsRecord> lastResolved(String type, URI sumsFile, String fileName) {
    return sums.lastResolved(type, sumsFile, fileName);
  }

  void recordResolved(Digest digest, URI sumsFile, String fileName) {
    sums.recordResolved(digest, sumsFile, fileName, null);
  }

  /**
   * Records a digest read from a sums file.
   *
   * @param verifiedBy the fingerprint of the key whose signature of the sums file verified, or null
   */
  void recordResolved(Digest digest, URI sumsFile, String fileName, String verifiedBy) {
    sums.recordResolved(digest, sumsFile, fileName, verifiedBy);
  }
}
