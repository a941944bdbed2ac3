package org.genvmimage.image;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.nio.file.attribute.UserPrincipalNotFoundException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Predicate;
import org.genvmimage.console.Console;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.core.IoErrors;

/**
 * The user that published images are given to. Either named with {@code --generated-image-owner}
 * (it must exist, and failing to give an image to it fails that image), or by default the
 * distribution's QEMU user: {@code qemu} (Fedora, RHEL, SUSE) or else {@code libvirt-qemu} (Debian,
 * Ubuntu). Without such a user, or when the run may not change owners (not root), a default owner
 * leaves the images as they are, and says so once, with {@code -v}.
 */
public final class ImageOwner {
  /** The QEMU users of the distributions, in the order they are looked for. */
  public static final List<String> QEMU_USERS = List.of("qemu", "libvirt-qemu");

  private final String user;
  private final boolean explicit;
  private final String none;
  private final AtomicBoolean noted = new AtomicBoolean();

  private ImageOwner(String user, boolean explicit, String none) {
    this.user = user;
    this.explicit = explicit;
    this.none = none;
  }

  /**
   * The owner named on the command line; a user that does not exist is a usage error (exit 2),
   * found before anything is built.
   */
  public static ImageOwner named(String user) {
    if (user == null || user.isBlank()) {
      throw new GenVmException(ExitCode.USAGE, "--generated-image-owner: give a user name or uid");
    }
    if (exists(user).equals(Optional.of(false))) {
      throw new GenVmException(
          ExitCode.USAGE,
          "--generated-image-owner: no such user '"
              + user
              + "' (leave the option out to give the images to the distribution's QEMU user, "
              + String.join(" or ", QEMU_USERS)
              + ")");
    }
    return new ImageOwner(user, true, null);
  }

  /** The distribution's QEMU user, the first of {@link #QEMU_USERS} that exists here. */
  public static ImageOwner distributionDefault() {
    return distributionDefault(u -> exists(u).orElse(false));
  }

  static ImageOwner distributionDefault(Predicate<String> exists) {
    for (String candidate : QEMU_USERS) {
      if (exists.test(candidate)) {
        return new ImageOwner(candidate, false, null);
      }
    }
    return new ImageOwner(
        null,
        false,
        "neither a "
            + String.join(" nor a ", QEMU_USERS)
            + " user exists here: the images keep the owner this run gives them (choose one"
            + " with --generated-image-owner)");
  }

  /** The user images are given to, or null when they keep their owner. */
  public String user() {
    return user;
  }

  /** Whether the user was named with {@code --generated-image-owner}. */
  public boolean explicit() {
    return explicit;
  }

  /** For a default owner without a QEMU user: why the images keep their owner; else null. */
  public String none() {
    return none;
  }

  /**
   * Gives a file to the owner. For a named owner a failure fails the image (the file system's
   * failure, exit 6); for the default one it is a note, said once with {@code -v}.
   */
  void apply(Path file, String task, Console console) {
    if (user == null) {
      note(console, none);
      return;
    }
    try {
      UserPrincipal principal =
          FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(user);
      Files.setOwner(file, principal);
    } catch (IOException e) {
      String reason =
          e instanceof UserPrincipalNotFoundException ? "no such user" : IoErrors.reason(e);
      if (explicit) {
        throw new GenVmException(
            ExitCode.TOOL_FAILED,
            "cannot give the image to '"
                + user
                + "' (--generated-image-owner): "
                + reason
                + (reason.contains("not permitted") ? " (changing owners needs root)" : ""),
            e);
      }
      note(
          console,
          "the images keep the owner this run gives them: cannot give them to '"
              + user
              + "', the distribution's QEMU user ("
              + reason
              + ")");
    }
  }

  private void note(Console console, String message) {
    if (noted.compareAndSet(false, true)) {
      console.debug(message);
    }
  }

  /** Whether a user (name or numeric uid) exists; empty when that cannot be told. */
  static Optional<Boolean> exists(String user) {
    try {
      FileSystems.getDefault().getUserPrincipalLookupService().lookupPrincipalByName(user);
      return Optional.of(true);
    } catch (UserPrincipalNotFoundException e) {
      return Optional.of(false);
    } catch (IOException | UnsupportedOperationException e) {
      return Optional.empty();
    }
  }
}
