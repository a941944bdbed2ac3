package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.genvmimage.core.ExitCode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code make install} and {@code make uninstall} for real, from the packaged build: what lands
 * where, that the installed commands, man pages and completion work, and that uninstall leaves the
 * prefix exactly as it was. {@code MVN=false} makes sure that make installs what the build made and
 * never runs Maven again.
 */
class InstallIT {
  static final Path TOP = Path.of("").toAbsolutePath();

  @TempDir Path dir;

  record Run(int exit, String out, String err) {}

  @BeforeAll
  static void theBuildIsPackaged() {
    Path jar = Path.of(System.getProperty("genvmimage.jar", "target/gen-vm-image.jar"));
    assertThat(jar).as("run in the verify phase, after package").isRegularFile();
    assertThat(TOP.resolve("target/man/man1/gen-vm-image.1")).isRegularFile();
  }

  @Test
  void aFreshPrefixIsGoneAgainAfterUninstall() throws Exception {
    Path prefix = dir.resolve("fresh");

    install(prefix);
    assertInstalled(prefix);
    uninstall(prefix);

    assertThat(prefix).doesNotExist();
  }

  @Test
  void anEmptyPrefixIsLeftEmpty() throws Exception {
    Path prefix = Files.createDirectories(dir.resolve("empty"));

    install(prefix);
    assertInstalled(prefix);
    uninstall(prefix);

    assertThat(snapshot(prefix)).isEmpty();
    assertThat(prefix).isEmptyDirectory();
  }

  @Test
  void aPrefixWithOtherFilesKeepsThemAndOnlyThem() throws Exception {
    Path prefix = Files.createDirectories(dir.resolve("usr"));
    write(prefix.resolve("share/man/man1/other.1"), ".TH OTHER 1\n");
    write(prefix.resolve("bin/other"), "#!/bin/sh\necho other\n");
    Files.setPosixFilePermissions(
        prefix.resolve("bin/other"), PosixFilePermissions.fromString("rwxr-xr-x"));
    write(prefix.resolve("lib/other/lib.so"), "x");
    write(prefix.resolve("share/bash-completion/completions/other"), "complete -W x other\n");
    Files.createDirectories(prefix.resolve("share/zsh/site-functions")); // empty, must stay
    Files.createDirectories(prefix.resolve("share/doc"));
    Files.createSymbolicLink(prefix.resolve("bin/other-link"), Path.of("other"));
    Map<String, String> before = snapshot(prefix);

    install(prefix);
    assertInstalled(prefix);
    assertThat(snapshot(prefix)).containsAllEntriesOf(before);
    uninstall(prefix);

    assertThat(snapshot(prefix)).isEqualTo(before);
  }

  @Test
  void installingTwiceThenUninstallingOnceLeavesThePrefixAsItWas() throws Exception {
    Path prefix = Files.createDirectories(dir.resolve("twice"));
    write(prefix.resolve("share/man/man1/other.1"), ".TH OTHER 1\n");
    Map<String, String> before = snapshot(prefix);

    install(prefix);
    install(prefix);
    String manifest = Files.readString(prefix.resolve("lib/gen-vm-image/install-manifest"));
    assertThat(manifest.lines().distinct().count()).isEqualTo(manifest.lines().count());
    uninstall(prefix);

    assertThat(snapshot(prefix)).isEqualTo(before);
  }

  @Test
  void destdirStagesThePrefixAndUninstallEmptiesItAgain() throws Exception {
    Path stage = Files.createDirectories(dir.resolve("stage"));

    Run r = make("install", "PREFIX=/usr", "DESTDIR=" + stage);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(stage.resolve("usr/lib/gen-vm-image/gen-vm-image.jar")).isRegularFile();
    assertThat(stage.resolve("usr/share/man/man1/gen-vm-image.1")).isRegularFile();
    assertThat(Files.readString(stage.resolve("usr/lib/gen-vm-image/install-manifest")))
        .as("paths as on the target system")
        .contains("f /usr/bin/gen-vm-image\n")
        .doesNotContain(stage.toString());
    assertThat(
            run(List.of(stage.resolve("usr/bin/gen-vm-image").toString(), "--version"), dir).out())
        .startsWith("gen-vm-image ");

    r = make("uninstall", "PREFIX=/usr", "DESTDIR=" + stage);
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(stage).isEmptyDirectory();
  }

  @Test
  void uninstallWithNothingInstalledFailsAndTouchesNothing() throws Exception {
    Path prefix = Files.createDirectories(dir.resolve("nothing"));
    write(prefix.resolve("bin/other"), "x");
    Map<String, String> before = snapshot(prefix);

    Run r = make("uninstall", "PREFIX=" + prefix);

    assertThat(r.exit()).isNotZero();
    assertThat(r.err()).contains("gen-vm-image is not installed in " + prefix);
    assertThat(snapshot(prefix)).isEqualTo(before);
  }

  /** Everything make install promises, and that it works from the prefix. */
  private void assertInstalled(Path prefix) throws Exception {
    for (String f :
        List.of(
            "lib/gen-vm-image/gen-vm-image.jar",
            "bin/gen-vm-image",
            "bin/configure-vm-image",
            "share/man/man1/gen-vm-image.1",
            "share/man/man1/configure-vm-image.1",
            "share/bash-completion/completions/gen-vm-image",
            "share/bash-completion/completions/configure-vm-image",
            "share/zsh/site-functions/_gen-vm-image",
            "share/zsh/site-functions/_configure-vm-image",
            "share/gen-vm-image/examples/architecture.yml",
            "share/gen-vm-image/examples/architecture-many.yml",
            "share/gen-vm-image/examples/cloud-init-config/user-data")) {
      assertThat(prefix.resolve(f)).isRegularFile();
    }
    assertThat(Files.isExecutable(prefix.resolve("bin/gen-vm-image"))).isTrue();

    // The installed launchers find the installed jar.
    Run version =
        run(List.of(prefix.resolve("bin/configure-vm-image").toString(), "--version"), dir);
    assertThat(version.exit()).as(version.err()).isZero();
    assertThat(version.out()).startsWith("configure-vm-image ");

    // ... and point at the installed example when architecture.yml is missing.
    Path work = Files.createDirectories(dir.resolve("work"));
    Run missing = run(List.of(prefix.resolve("bin/gen-vm-image").toString()), work);
    assertThat(missing.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(missing.err())
        .isEqualTo(
            "gen-vm-image: error: architecture file "
                + work.toRealPath().resolve("architecture.yml")
                + " not found; copy the example "
                + prefix.toRealPath().resolve("share/gen-vm-image/examples/architecture.yml")
                + " there and edit it, or pass --architecture-path FILE\n");

    // man renders the installed pages without warnings.
    for (String page : List.of("gen-vm-image", "configure-vm-image")) {
      Run man =
          run(
              List.of(
                  "man",
                  "--warnings",
                  "-l",
                  prefix.resolve("share/man/man1/" + page + ".1").toString()),
              dir,
              Map.of("MANPAGER", "cat", "MANWIDTH", "80"));
      assertThat(man.exit()).as(man.err()).isZero();
      assertThat(man.err()).isEmpty();
      assertThat(man.out())
          .startsWith(page.toUpperCase() + "(1)")
          .contains("NAME\n       " + page + " - ", "SYNOPSIS", "OPTIONS", "EXIT STATUS")
          .contains("ENVIRONMENT", "GEN_VM_IMAGE_QEMU_IMG", "SEE ALSO");
      assertThat(man.out().lines()).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
    }
    assertThat(
            run(
                    List.of(
                        "man", "-l", prefix.resolve("share/man/man1/gen-vm-image.1").toString()),
                    dir,
                    Map.of("MANPAGER", "cat", "MANWIDTH", "80"))
                .out())
        .contains("       --architecture-path ARCHITECTURE_PATH\n");

    // bash completes an option from the installed script, as bash runs it on TAB.
    Run bash =
        run(
            List.of(
                "bash",
                "-c",
                "source \"$1\"; COMP_WORDS=(gen-vm-image --archi); COMP_CWORD=1;"
                    + " _complete_gen-vm-image; printf '%s\\n' \"${COMPREPLY[@]}\"",
                "bash",
                prefix.resolve("share/bash-completion/completions/gen-vm-image").toString()),
            dir);
    assertThat(bash.exit()).as(bash.err()).isZero();
    assertThat(bash.out()).isEqualTo("--architecture-path\n");
  }

  private void install(Path prefix) throws Exception {
    Run r = make("install", "PREFIX=" + prefix);
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
    assertThat(r.out()).doesNotContain("false"); // make never tried to run Maven
  }

  private void uninstall(Path prefix) throws Exception {
    Run r = make("uninstall", "PREFIX=" + prefix);
    assertThat(r.exit()).as(r.out() + r.err()).isZero();
  }

  /** Runs make in the source tree; MVN=false fails loudly if make wanted to rebuild. */
  private Run make(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("make", "--no-print-directory", "MVN=false"));
    command.addAll(List.of(args));
    return run(command, TOP);
  }

  private Run run(List<String> command, Path cwd) throws Exception {
    return run(command, cwd, Map.of());
  }

  private Run run(List<String> command, Path cwd, Map<String, String> env) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .directory(cwd.toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    assertThat(p.waitFor(120, TimeUnit.SECONDS)).as(String.join(" ", command)).isTrue();
    Run r =
        new Run(
            p.exitValue(),
            Files.readString(out, StandardCharsets.UTF_8),
            Files.readString(err, StandardCharsets.UTF_8));
    Files.delete(out);
    Files.delete(err);
    return r;
  }

  /** Every path under a folder with its type, permissions and content hash (or link target). */
  static Map<String, String> snapshot(Path root) throws IOException {
    Map<String, String> tree = new TreeMap<>();
    if (!Files.exists(root)) {
      return tree;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted().toList()) {
        if (p.equals(root)) {
          continue;
        }
        String key = root.relativize(p).toString();
        if (Files.isSymbolicLink(p)) {
          tree.put(key, "link " + Files.readSymbolicLink(p));
        } else {
          String perms =
              PosixFilePermissions.toString(
                  Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
          tree.put(
              key,
              Files.isDirectory(p)
                  ? "dir " + perms
                  : "file " + perms + " " + sha256(Files.readAllBytes(p)));
        }
      }
    }
    return tree;
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (java.security.NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void write(Path file, String text) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, text);
  }
}
