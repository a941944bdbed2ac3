package org.genvmimage.manifest;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.genvmimage.core.FileSync;

/**
 * The manifest of one output folder: {@value Sha256Sums#FILE_NAME}, and beside it {@value
 * #STATE_NAME}, which is both the lock that runs publishing into the folder take and the record of
 * the {@link FileStamp} each listed file had when it was hashed.
 *
 * <p>{@link #update} merges under the lock (exclusive between processes and between threads of this
 * JVM): lines of names it is not given are kept as they are, whoever wrote them; a name it is given
 * gets the new entry when the file still has that entry's stamp, keeps its old line when the file
 * still has the stamp recorded for that line, and loses its line otherwise. {@value
 * Sha256Sums#FILE_NAME} is replaced atomically (a temporary file in the folder, flushed, renamed);
 * the state is rewritten in place under the lock, and a record counts only while the manifest lists
 * the same digest for its name, so a crash between the two costs a re-hash, never a wrong line.
 */
public final class ManifestFolder {
  /** The lock and state file's name, beside the manifest. */
  public static final String STATE_NAME = "." + Sha256Sums.FILE_NAME + ".gen-vm-image.json";

  private static final ObjectMapper JSON =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .build();

  /** One lock per folder for the threads of this JVM (a file lock is the whole JVM's). */
  private static final ConcurrentHashMap<Path, ReentrantLock> THREADS = new ConcurrentHashMap<>();

  /** The state file's content. */
  record State(Map<String, ManifestEntry> entries) {}

  private final Path dir;

  /** The manifest of this folder. */
  public ManifestFolder(Path dir) {
    this.dir = dir.toAbsolutePath().normalize();
  }

  /** The folder. */
  public Path dir() {
    return dir;
  }

  /** The {@value Sha256Sums#FILE_NAME} file. */
  public Path manifest() {
    return dir.resolve(Sha256Sums.FILE_NAME);
  }

  Path stateFile() {
    return dir.resolve(STATE_NAME);
  }

  /**
   * The entries whose digest the manifest lists for their name, by name (under a shared lock);
   * empty when the folder has no manifest. The caller compares each entry's stamp with its file.
   */
  @SuppressWarnings("try") // the file lock is held for the body
  public Map<String, ManifestEntry> recorded() throws IOException {
    if (!Files.isRegularFile(manifest()) || !Files.isRegularFile(stateFile())) {
      return Map.of();
    }
    ReentrantLock threads = threadLock();
    threads.lock();
    try (FileChannel channel = FileChannel.open(stateFile(), StandardOpenOption.READ);
        var lock = channel.lock(0, Long.MAX_VALUE, true)) {
      Map<String, ManifestEntry> state = readState(channel);
      vouched(state, Sha256Sums.read(manifest()));
      return state;
    } finally {
      threads.unlock();
    }
  }

  /**
   * Updates the manifest for these names (files of this folder): each with its new entry, or null
   * when there is none (its build failed, or its digest is not known). Does nothing when the folder
   * has no manifest and there is no entry to list.
   *
   * @return the manifest when the folder has one after the update, else null
   */
  @SuppressWarnings("try") // the file lock is held for the body
  public Path update(Map<String, ManifestEntry> names) throws IOException {
    boolean any = names.values().stream().anyMatch(e -> e != null);
    if (!any && !Files.isRegularFile(manifest())) {
      return null;
    }
    if (unchanged(names)) {
      return manifest(); // nothing to write: no lock, and a read-only folder is fine
    }
    ReentrantLock threads = threadLock();
    threads.lock();
    try (FileChannel channel =
            FileChannel.open(
                stateFile(),
                StandardOpenOption.CREATE,
                StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        var lock = channel.lock()) {
      Map<String, ManifestEntry> state = readState(channel);
      String before = Files.isRegularFile(manifest()) ? Files.readString(manifest()) : null;
      Sha256Sums sums = before == null ? new Sha256Sums() : Sha256Sums.parse(before);
      merge(sums, state, names);
      vouched(state, sums);
      String after = sums.render();
      if (sums.isEmpty()) {
        Files.deleteIfExists(manifest());
        FileSync.forceDirectory(dir);
      } else if (!after.equals(before)) {
        write(after);
      }
      writeState(channel, state);
      return sums.isEmpty() ? null : manifest();
    } finally {
      threads.unlock();
    }
  }

  /**
   * Whether the merge would leave the manifest and the state as they are, read without the file
   * lock (a torn read of the state only sends the update the locked way).
   */
  private boolean unchanged(Map<String, ManifestEntry> names) throws IOException {
    if (!Files.isRegularFile(manifest()) || !Files.isRegularFile(stateFile())) {
      return false;
    }
    Map<String, ManifestEntry> state;
    // under the threads' lock: closing a channel of the file would drop another thread's lock
    ReentrantLock threads = threadLock();
    threads.lock();
    try (FileChannel channel = FileChannel.open(stateFile(), StandardOpenOption.READ)) {
      state = readState(channel);
    } finally {
      threads.unlock();
    }
    String before = Files.readString(manifest());
    Sha256Sums sums = Sha256Sums.parse(before);
    vouched(state, sums);
    Map<String, ManifestEntry> merged = new TreeMap<>(state);
    merge(sums, merged, names);
    return sums.render().equals(before) && merged.equals(state);
  }

  private void merge(
      Sha256Sums sums, Map<String, ManifestEntry> state, Map<String, ManifestEntry> names)
      throws IOException {
    for (Map.Entry<String, ManifestEntry> e : names.entrySet()) {
      String name = e.getKey();
      ManifestEntry ours = e.getValue();
      FileStamp now = FileStamp.of(dir.resolve(name));
      if (ours != null && now != null && ours.stamp().equals(now)) {
        sums.put(name, ours.sha256());
        state.put(name, ours);
        continue;
      }
      ManifestEntry old = state.get(name);
      boolean unchanged =
          now != null
              && old != null
              && old.stamp().equals(now)
              && sums.get(name).filter(old.sha256()::equals).isPresent();
      if (!unchanged) {
        sums.remove(name);
        state.remove(name);
      }
    }
  }

  /** Keeps the records whose digest the manifest lists for their name. */
  private static void vouched(Map<String, ManifestEntry> state, Sha256Sums sums) {
    state
        .entrySet()
        .removeIf(e -> !sums.get(e.getKey()).filter(e.getValue().sha256()::equals).isPresent());
  }

  /** Writes the manifest atomically: a temporary file in the folder, flushed, renamed. */
  private void write(String text) throws IOException {
    Path temp = Files.createTempFile(dir, "." + Sha256Sums.FILE_NAME + ".", ".tmp");
    try {
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
      Files.writeString(temp, text, StandardCharsets.UTF_8);
      FileSync.force(temp);
      FileSync.moveAtomically(temp, manifest());
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  private ReentrantLock threadLock() throws IOException {
    Path key = dir.toRealPath();
    return THREADS.computeIfAbsent(key, k -> new ReentrantLock());
  }

  /** The state records, by name; empty for an empty or unreadable state. */
  private static Map<String, ManifestEntry> readState(FileChannel channel) throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
    long position = 0;
    int n;
    while ((n = channel.read(buffer.clear(), position)) > 0) {
      bytes.write(buffer.array(), 0, n);
      position += n;
    }
    if (bytes.size() == 0) {
      return new TreeMap<>();
    }
    try {
      State state = JSON.readValue(bytes.toByteArray(), State.class);
      Map<String, ManifestEntry> entries = new TreeMap<>();
      if (state.entries() != null) {
        state
            .entries()
            .forEach(
                (k, v) -> {
                  if (v != null && v.sha256() != null && v.stamp() != null) {
                    entries.put(k, v);
                  }
                });
      }
      return entries;
    } catch (IOException e) {
      return new TreeMap<>(); // a torn write: the files are hashed again
    }
  }

  private static void writeState(FileChannel channel, Map<String, ManifestEntry> state)
      throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(new State(new LinkedHashMap<>(state)));
    channel.truncate(0);
    ByteBuffer buffer = ByteBuffer.wrap(bytes);
    long position = 0;
    while (buffer.hasRemaining()) {
      position += channel.write(buffer, position);
    }
    channel.force(true);
  }
}
