package org.genvmimage.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class QmpSocketPathTest {
  @TempDir Path dir;

  /** A directory under {@code dir} whose path makes {@code dir/<it>/qmp} about 200 bytes long. */
  private Path longDir() {
    int pad = 200 - dir.toString().length() - "/qmp".length() - 1;
    return dir.resolve("d".repeat(Math.max(pad, 120)));
  }

  @Test
  void aShortPathIsUsedAsGiven() {
    Path requested = dir.resolve("qmp.sock");

    try (QmpSocketPath socket = QmpSocketPath.prepare(requested)) {
      assertThat(socket.socket()).isEqualTo(requested);
      assertThat(socket.linked()).isFalse();
      assertThat(socket.requested()).contains(requested);
    }
  }

  @Test
  void aLongPathGetsALinkToAShortPrivateSocket() throws IOException {
    Path requested = longDir().resolve("qmp");
    assertThat(requested.toString().length()).isGreaterThanOrEqualTo(200);

    QmpSocketPath socket = QmpSocketPath.prepare(requested, dir);
    try {
      assertThat(QmpSocketPath.fits(socket.socket())).isTrue();
      assertThat(socket.linked()).isTrue();
      assertThat(Files.readSymbolicLink(requested)).isEqualTo(socket.socket());
      assertThat(
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(socket.socket().getParent())))
          .isEqualTo("rwx------");
      try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
        server.bind(UnixDomainSocketAddress.of(socket.socket())); // works: the path is short
        assertThat(Files.exists(requested)).isTrue(); // the link now resolves
      }
    } finally {
      socket.close();
    }
    assertThat(Files.exists(requested, LinkOption.NOFOLLOW_LINKS)).isFalse();
    assertThat(Files.exists(socket.socket().getParent())).isFalse();
  }

  @Test
  void aPrivateSocketWhenNoneIsAskedFor() {
    QmpSocketPath socket = QmpSocketPath.prepare(null, dir);
    Path privateDir = socket.socket().getParent();

    assertThat(socket.requested()).isEmpty();
    assertThat(privateDir.getFileName().toString()).startsWith("gvi-");
    socket.close();
    assertThat(Files.exists(privateDir)).isFalse();
  }

  @Test
  void aStaleLinkOrSocketIsReplaced() throws IOException {
    Path requested = longDir().resolve("qmp");
    Files.createDirectories(requested.getParent());
    Files.createSymbolicLink(requested, Path.of("/tmp/gvi-gone/qmp.sock"));

    try (QmpSocketPath socket = QmpSocketPath.prepare(requested, dir)) {
      assertThat(Files.readSymbolicLink(requested)).isEqualTo(socket.socket());
    }

    Path shortPath = dir.resolve("s");
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(shortPath));
    }
    assertThat(Files.exists(shortPath)).isTrue(); // a socket left behind
    try (QmpSocketPath socket = QmpSocketPath.prepare(shortPath, dir)) {
      assertThat(socket.socket()).isEqualTo(shortPath);
      assertThat(Files.exists(shortPath)).isFalse();
    }
  }

  @Test
  void aRegularFileInTheWayIsNotDeleted() throws IOException {
    Path requested = Files.writeString(dir.resolve("important.txt"), "keep me");

    GenVmException e =
        catchThrowableOfType(GenVmException.class, () -> QmpSocketPath.prepare(requested, dir));

    assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE.code());
    assertThat(e.getMessage())
        .isEqualTo(
            "the QMP socket path "
                + requested
                + " is taken by a file: choose another path or remove it");
    assertThat(Files.readString(requested)).isEqualTo("keep me");
  }
}
