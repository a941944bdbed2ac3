package org.genvmimage.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import org.genvmimage.console.Console;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Who generated images are given to, on Debian-like, RHEL-like and other systems. */
class ImageOwnerTest {
  @TempDir Path dir;

  @Test
  void theDefaultIsTheDistributionsQemuUser() {
    // Fedora, RHEL, SUSE: qemu
    assertThat(ImageOwner.distributionDefault(Set.of("root", "qemu")::contains).user())
        .isEqualTo("qemu");
    // Debian, Ubuntu (with libvirt): libvirt-qemu, and no qemu user
    assertThat(ImageOwner.distributionDefault(Set.of("root", "libvirt-qemu")::contains).user())
        .isEqualTo("libvirt-qemu");
    ImageOwner none = ImageOwner.distributionDefault(Set.of("root")::contains);
    assertThat(none.user()).isNull();
    assertThat(none.explicit()).isFalse();
    assertThat(none.none()).contains("--generated-image-owner");
  }

  @Test
  void withoutAQemuUserTheImagesKeepTheirOwnerSaidOnceAndOnlyWithVerbose() throws Exception {
    Path a = Files.createFile(dir.resolve("a"));
    Path b = Files.createFile(dir.resolve("b"));
    for (Console.Verbosity v : Console.Verbosity.values()) {
      ImageOwner none = ImageOwner.distributionDefault(user -> false);
      StringWriter err = new StringWriter();
      Console console = new Console("gen-vm-image", new PrintWriter(err), v, false);
      none.apply(a, "a", console);
      none.apply(b, "b", console);
      if (v == Console.Verbosity.VERBOSE) {
        assertThat(err.toString().lines()).singleElement().asString().contains("keep the owner");
      } else {
        assertThat(err.toString()).isEmpty();
      }
    }
  }

  @Test
  void aNamedUserMustExist() {
    assertThatThrownBy(() -> ImageOwner.named("no-such-user-here"))
        .isInstanceOfSatisfying(
            GenVmException.class, e -> assertThat(e.exitCode()).isEqualTo(ExitCode.USAGE.code()))
        .hasMessageContaining("no such user 'no-such-user-here'");
    assertThat(ImageOwner.named("root").user()).isEqualTo("root");
    assertThat(ImageOwner.named("0").explicit()).isTrue();
  }

  @Test
  void aNamedUserIsGivenTheImage() throws Exception {
    Path image = Files.createFile(dir.resolve("image"));
    StringWriter err = new StringWriter();
    Console console =
        new Console("gen-vm-image", new PrintWriter(err), Console.Verbosity.VERBOSE, false);
    String me = Files.getOwner(image).getName();
    ImageOwner.named(me).apply(image, "image", console);
    assertThat(Files.getOwner(image).getName()).isEqualTo(me);
    assertThat(err.toString()).isEmpty();
  }
}
