package org.genvmimage.download;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Shared and exclusive locks on files that hold across threads and processes.
 *
 * <p>A {@link FileLock} belongs to the whole JVM: a second lock on the same file from this JVM
 * throws {@link java.nio.channels.OverlappingFileLockException}, and on Linux closing any channel
 * of a file drops every lock this process holds on it. So each lock file has one node here: threads
 * of this JVM queue on it (readers share, a writer is alone), and the node holds one channel with
 * one OS lock for all of them: shared while it has readers, exclusive while it has a writer.
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

  private static final ConcurrentHashMap<Path, Node> NODES = new ConcurrentHashMap<>();

  private FileLocks() {}

  /**
   * Takes a lock on {@code file} (created when missing), waiting for it.
   *
   * @throws IOException when the file cannot be opened or locked ({@link
   *     java.nio.channels.FileLockInterruptionException} when interrupted while waiting)
   * @throws InterruptedException when interrupted while waiting for another thread
   */
  static Held lock(Path file, boolean shared, Waiting waiting)
      throws IOException, InterruptedException {
    return node(file).acquire(shared, true, waiting);
  }

  /** Takes a lock on {@code file} if nobody else holds a conflicting one; else {@code null}. */
  static Held tryLock(Path file, boolean shared) throws IOException {
    try {
      return node(file).acquire(shared, false, Waiting.NONE);
    } catch (InterruptedException e) {
      throw new AssertionError("a try does not wait", e);
    }
  }

  private static Node node(Path file) {
    return NODES.computeIfAbsent(file.toAbsolutePath().normalize(), Node::new);
  }

  /** A held lock; closing it lets go (once; closing again does nothing). */
  static final class Held implements AutoCloseable {
    private final Node node;
    private final boolean shared;
    private final AtomicBoolean open = new AtomicBoolean(true);

    private Held(Node node, boolean shared) {
      this.node = node;
      this.shared = shared;
    }

    boolean shared() {
      return shared;
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
        node.release(shared);
      }
    }
  }

  private static final class Node {
    private final Path file;
    private int readers; // threads of this JVM holding it shared
    private boolean writer; // a thread of this JVM holds it, or is taking it, exclusively
    private boolean opening; // a thread is taking the OS lock for the readers
    private FileChannel channel;
    private FileLock osLock;

    Node(Path file) {
      this.file = file;
    }

    Held acquire(boolean shared, boolean wait, Waiting waiting)
        throws IOException, InterruptedException {
      boolean told = false;
      synchronized (this) {
        while (writer || opening || (!shared && readers > 0)) {
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
          return new Held(this, true);
        }
        if (shared) {
          opening = true;
        } else {
          writer = true;
        }
      }
      // This thread alone now takes the OS lock for this node.
      FileChannel ch = null;
      FileLock lock = null;
      try {
        Files.createDirectories(file.getParent());
        ch =
            FileChannel.open(
                file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        lock = ch.tryLock(0, Long.MAX_VALUE, shared);
        if (lock == null && wait) {
          if (!told) {
            waiting.waiting(true);
          }
          lock = ch.lock(0, Long.MAX_VALUE, shared);
        }
      } finally {
        synchronized (this) {
          if (lock != null) {
            channel = ch;
            osLock = lock;
            if (shared) {
              readers = 1;
            }
          } else {
            closeQuietly(ch);
            if (!shared) {
              writer = false;
            }
          }
          opening = false;
          notifyAll();
        }
      }
      return lock == null ? null : new Held(this, shared);
    }

    synchronized void release(boolean shared) {
      if (shared) {
        if (--readers > 0) {
          return;
        }
      } else {
        writer = false;
      }
      try {
        if (osLock != null && osLock.isValid()) {
          osLock.release();
        }
      } catch (IOException ignored) {
        // closing the channel below lets go of it anyway
      }
      closeQuietly(channel);
      osLock = null;
      channel = null;
      notifyAll();
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
