package org.genvmimage.download;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.genvmimage.core.Folders;

/**
 * Locks on files that hold across threads and processes: a main lock, shared or exclusive, and a
 * write lock that only holders of the shared main lock take, one at a time.
 *
 * <p>A {@link FileLock} belongs to the whole JVM: a second, overlapping lock on the same file from
 * this JVM throws {@link java.nio.channels.OverlappingFileLockException}, and on Linux closing any
 * channel of a file drops every lock this process holds on it. So each lock file has one node here:
 * threads of this JVM queue on it (readers share, a writer is alone), and the node holds one
 * channel for all of them, with the main lock on byte 0 (shared while it has readers, exclusive
 * while it has an exclusive holder) and the write lock on byte 1.
 *
 * <p>A thread interrupted while it waits gives up ({@link InterruptedException} or {@link
 * java.nio.channels.FileLockInterruptionException}). A channel that other threads share is never
 * waited on (an interrupt would close it under them): the write lock polls instead.
 */
final class FileLocks {
  /** Told once when an acquisition has to wait. */
  interface Waiting {
    /**
     * @param otherProcess true when another process holds the lock, false for another thread
     */
    void waiting(boolean otherProcess);

    Waiting NONE = otherProcess -> {};
  }

  /** The kinds of lock a {@link Held} stands for. */
  enum Kind {
    SHARED,
    EXCLUSIVE,
    WRITE
  }

  private static final long MAIN = 0;
  private static final long WRITE = 1;
  private static final long POLL_MILLIS = 100;

  private static final ConcurrentHashMap<Path, Node> NODES = new ConcurrentHashMap<>();

  private FileLocks() {}

  /**
   * Takes the main lock of {@code file} (created when missing), waiting for it.
   *
   * @throws IOException when the file cannot be opened or locked ({@link
   *     java.nio.channels.FileLockInterruptionException} when interrupted while waiting)
   * @throws InterruptedException when interrupted while waiting for another thread
   */
  static Held lock(Path file, boolean shared, Waiting waiting)
      throws IOException, InterruptedException {
    return node(file).acquire(shared, true, waiting);
  }

  /** Takes the main lock of {@code file} if nobody holds a conflicting one; else {@code null}. */
  static Held tryLock(Path file, boolean shared) throws IOException {
    try {
      return node(file).acquire(shared, false, Waiting.NONE);
    } catch (InterruptedException e) {
      throw new AssertionError("a try does not wait", e);
    }
  }

  /**
   * Takes the write lock of the file whose main lock {@code reading} holds shared, waiting for the
   * thread or process that holds it. Let go of it before {@code reading}.
   */
  static Held lockWrite(Held reading, Waiting waiting) throws IOException, InterruptedException {
    if (reading.kind != Kind.SHARED || !reading.isHeld()) {
      throw new IllegalStateException("the write lock needs the main lock held shared");
    }
    return reading.node.acquireWrite(waiting);
  }

  /** The node of a file, by its real folder: two spellings of one folder must share a node. */
  private static Node node(Path file) throws IOException {
    Path absolute = file.toAbsolutePath().normalize();
    Path folder = Folders.of(absolute);
    Files.createDirectories(folder);
    Path key = folder.toRealPath().resolve(absolute.getFileName());
    return NODES.computeIfAbsent(key, Node::new);
  }

  /** A held lock; closing it lets go (once; closing again does nothing). */
  static final class Held implements AutoCloseable {
    private final Node node;
    private final Kind kind;
    private final AtomicBoolean open = new AtomicBoolean(true);

    private Held(Node node, Kind kind) {
      this.node = node;
      this.kind = kind;
    }

    Kind kind() {
      return kind;
    }

    Path file() {
      return node.file;
    }

    boolean isHeld() {
      return open.get();
    }

    @Override
    public void close() {
      if (open.compareAndSet(true, false)) {
        node.release(kind);
      }
    }
  }

  private static final class Node {
    private final Path file;
    private int readers; // threads of this JVM holding the main lock shared
    private boolean
        exclusive; // a thread of this JVM holds, or is taking, the main lock exclusively
    private boolean opening; // a thread is taking the main lock shared for the readers
    private boolean writing; // a thread of this JVM holds, or is taking, the write lock
    private FileChannel channel;
    private FileLock mainLock;
    private FileLock writeLock;

    Node(Path file) {
      this.file = file;
    }

    Held acquire(boolean shared, boolean wait, Waiting waiting)
        throws IOException, InterruptedException {
      boolean told = false;
      synchronized (this) {
        while (exclusive || opening || (!shared && readers > 0)) {
          if (!wait) {
            return null;
          }
          if (!told) {
            told = true;
            waiting.waiting(false);
          }
          wait();
        }
        if (shared && readers > 0) {
          readers++;
          return new Held(this, Kind.SHARED);
        }
        if (shared) {
          opening = true;
        } else {
          exclusive = true;
        }
      }
      // This thread alone now opens the file and takes the main lock for this node.
      FileChannel ch = null;
      FileLock lock = null;
      try {
        Files.createDirectories(Folders.of(file));
        ch =
            FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        lock = ch.tryLock(MAIN, 1, shared);
        if (lock == null && wait) {
          if (!told) {
            waiting.waiting(true);
          }
          lock = ch.lock(MAIN, 1, shared);
        }
      } finally {
        synchronized (this) {
          if (lock != null) {
            channel = ch;
            mainLock = lock;
            if (shared) {
              readers = 1;
            }
          } else {
            closeQuietly(ch);
            if (!shared) {
              exclusive = false;
            }
          }
          opening = false;
          notifyAll();
        }
      }
      return lock == null ? null : new Held(this, shared ? Kind.SHARED : Kind.EXCLUSIVE);
    }

    Held acquireWrite(Waiting waiting) throws IOException, InterruptedException {
      boolean told = false;
      FileChannel ch;
      synchronized (this) {
        while (writing) {
          if (!told) {
            told = true;
            waiting.waiting(false);
          }
          wait();
        }
        writing = true;
        ch = channel;
      }
      FileLock lock = null;
      try {
        // tryLock, unlike lock, does not close the shared channel when this thread is interrupted
        while ((lock = ch.tryLock(WRITE, 1, false)) == null) {
          if (!told) {
            told = true;
            waiting.waiting(true);
          }
          Thread.sleep(POLL_MILLIS);
        }
      } finally {
        synchronized (this) {
          if (lock != null) {
            writeLock = lock;
          } else {
            writing = false;
            notifyAll();
          }
        }
      }
      return new Held(this, Kind.WRITE);
    }

    synchronized void release(Kind kind) {
      if (kind == Kind.WRITE) {
        releaseQuietly(writeLock);
        writeLock = null;
        writing = false;
        notifyAll();
        return;
      }
      if (kind == Kind.SHARED) {
        if (--readers > 0) {
          return;
        }
      } else {
        exclusive = false;
      }
      releaseQuietly(writeLock);
      releaseQuietly(mainLock);
      closeQuietly(channel);
      writeLock = null;
      mainLock = null;
      channel = null;
      notifyAll();
    }

    private static void releaseQuietly(FileLock lock) {
      try {
        if (lock != null && lock.isValid()) {
          lock.release();
        }
      } catch (IOException ignored) {
        // closing the channel lets go of it anyway
      }
    }

    private static void closeQuietly(FileChannel ch) {
      if (ch != null) {
        try {
          ch.close();
        } catch (IOException ignored) {
          // nothing was written through it
        }
      }
    }
  }
}
