package org.genvmimage.qemu;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.Folders;
import org.genvmimage.core.GenVmException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where QEMU listens for QMP, working around the limit of unix socket paths ({@value #MAX_BYTES}
 * bytes: {@code sun_path} holds 108 with the terminating NUL; longer ones fail with "Unix domain
 * path too long").
 *
 * <p>A path within the limit is used as given. A longer one is served by a socket in a private
 * directory ({@code /tmp/gvi-XXXX/qmp.sock}, mode 0700) with a symbolic link at the requested path,
 * so that the user finds the socket where they asked (tools that connect through the link must
 * resolve it first, as the limit applies to the path handed to {@code connect}). Either way, a file
 * left at the requested path by an earlier run is replaced only when it is a socket or a symbolic
 * link; anything else is an error, as QEMU would delete it.
 *
 * <p>{@link #close()} removes the socket, the link and the private directory.
 */
public final class QmpSocketPath implements AutoCloseable {
  /** The longest unix socket path, in bytes. */
  public static final int MAX_BYTES = 107;

  private static final Logger log = LoggerFactory.getLogger(QmpSocketPath.class);
  private static final Path TMP = Path.of("/tmp");

  private final Path requested;
  private final Path socket;
  private final Path privateDir;

  private QmpSocketPath(Path requested, Path socket, Path privateDir) {
    this.requested = requested;
    this.socket = socket;
    this.privateDir = privateDir;
  }

  /** Whether {@code path} fits in a unix socket address. */
  public static boolean fits(Path path) {
    return path.toString().getBytes(StandardCharsets.UTF_8).length <= MAX_BYTES;
  }

  /**
   * Prepares the socket location for {@code requested}; null for a private one only.
   *
   * @throws GenVmException USAGE when something other than a socket or link is in the way,
   *     TOOL_FAILED when the directories or the link cannot be created
   */
  public static QmpSocketPath prepare(Path requested) {
    return prepare(requested, TMP);
  }

  /** As {@link #prepare(Path)}, with the private directory under {@code tmp}. */
  static QmpSocketPath prepare(Path requested, Path tmp) {
    try {
      if (requested == null) {
        Path dir = privateDir(tmp);
        return new QmpSocketPath(null, dir.resolve("qmp.sock"), dir);
      }
      Path absolute = requested.toAbsolutePath().normalize();
      clearStale(absolute);
      Files.createDirectories(Folders.of(absolute));
      if (fits(absolute)) {
        return new QmpSocketPath(absolute, absolute, null);
      }
      Path dir = privateDir(tmp);
      Path socket = dir.resolve("qmp.sock");
      try {
        Files.createSymbolicLink(absolute, socket);
      } catch (IOException e) {
        deleteQuietly(dir);
        throw e;
      }
      log.debug("QMP socket {} is too long for a unix socket; using {}", absolute, socket);
      return new QmpSocketPath(absolute, socket, dir);
    } catch (IOException e) {
      throw new GenVmException(
          ExitCode.TOOL_FAILED, "cannot prepare the QMP socket " + requested + ": " + e, e);
    }
  }

  /** The path QEMU listens on and clients connect to (within the limit). */
  public Path socket() {
    return socket;
  }

  /** The path the user asked for, if any (the socket itself or a link to it). */
  public Optional<Path> requested() {
    return Optional.ofNullable(requested);
  }

  /** Whether the requested path is a link to a socket elsewhere. */
  public boolean linked() {
    return requested != null && !requested.equals(socket);
  }

  @Override
  public void close() {
    deleteQuietly(socket);
    if (linked()) {
      deleteQuietly(requested);
    }
    if (privateDir != null) {
      deleteQuietly(privateDir);
    }
  }

  private static Path privateDir(Path tmp) throws IOException {
    return Files.createTempDirectory(
        tmp,
        "gvi-",
        PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
  }

  private static void clearStale(Path path) throws IOException {
    BasicFileAttributes attributes;
    try {
      attributes = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException absent) {
      return;
    }
    if (attributes.isSymbolicLink() || attributes.isOther()) {
      Files.deleteIfExists(path);
      return;
    }
    throw new GenVmException(
        ExitCode.USAGE,
        "the QMP socket path "
            + path
            + " is taken by a "
            + (attributes.isDirectory() ? "directory" : "file")
            + ": choose another path or remove it");
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.debug("cannot delete {}: {}", path, e.toString());
    }
  }

  @Override
  public String toString() {
    return linked() ? requested + " -> " + socket : socket.toString();
  }
}
