package org.genvmimage.gocd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.process.CommandSpec;
import org.genvmimage.process.ProcessResult;
import org.genvmimage.process.ProcessRunner;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The material URL from a real git repository. */
class GitRepositoryTest {
  @TempDir Path dir;

  Path repo;

  static void git(Path dir, String... args) {
    List<String> command = new ArrayList<>(List.of("git"));
    command.addAll(List.of(args));
    new ProcessRunner().run(CommandSpec.of(command).withWorkingDir(dir));
  }

  Path repository() throws IOException {
    repo = Files.createDirectories(dir.resolve("repo"));
    git(repo, "init", "-q");
    return Files.createDirectories(repo.resolve("examples"));
  }

  @Test
  void theOriginRemoteIsTheMaterialAndTheTopFolderIsFound() throws IOException {
    Path examples = repository();
    git(repo, "remote", "add", "upstream", "https://github.com/other/vm-images.git");
    git(repo, "remote", "add", "origin", "https://github.com/example/vm-images.git");
    GitRepository git = new GitRepository(new ProcessRunner(), examples);
    assertThat(git.remoteUrl()).isEqualTo("https://github.com/example/vm-images.git");
    assertThat(git.topLevel()).hasValueSatisfying(top -> assertSame(top, repo));
  }

  @Test
  void theOnlyRemoteIsUsedWhenThereIsNoOrigin() throws IOException {
    Path examples = repository();
    git(repo, "remote", "add", "github", "git@github.com:example/vm-images.git");
    assertThat(new GitRepository(new ProcessRunner(), examples).remoteUrl())
        .isEqualTo("git@github.com:example/vm-images.git");
  }

  @Test
  void credentialsInTheRemoteCanBeStripped() throws IOException {
    Path examples = repository();
    git(repo, "remote", "add", "origin", "https://bot:s3cret@github.com/example/vm-images.git");
    MaterialUrls.Cleaned cleaned =
        MaterialUrls.clean(new GitRepository(new ProcessRunner(), examples).remoteUrl());
    assertThat(cleaned.changed()).isTrue();
    assertThat(cleaned.url()).isEqualTo("https://github.com/example/vm-images.git");
  }

  @Test
  void noRemoteIsAClearUsageError() throws IOException {
    Path examples = repository();
    assertThatThrownBy(() -> new GitRepository(new ProcessRunner(), examples).remoteUrl())
        .isInstanceOf(GenVmException.class)
        .hasMessageContaining("has no remote; pass --gocd-material-url URL")
        .hasMessageNotContaining("\n")
        .satisfies(
            e -> assertThat(((GenVmException) e).exitCode()).isEqualTo(ExitCode.USAGE.code()));
  }

  @Test
  void severalRemotesWithoutOriginAreAClearUsageError() throws IOException {
    Path examples = repository();
    git(repo, "remote", "add", "a", "https://example.org/a.git");
    git(repo, "remote", "add", "b", "https://example.org/b.git");
    assertThatThrownBy(() -> new GitRepository(new ProcessRunner(), examples).remoteUrl())
        .hasMessageContaining("no remote 'origin' but several (a, b)");
  }

  @Test
  void aFolderOutsideAnyRepositoryIsAClearUsageError() {
    GitRepository git = new GitRepository(new ProcessRunner(), dir);
    assertThat(git.topLevel()).isEmpty();
    assertThatThrownBy(git::remoteUrl)
        .isInstanceOf(GenVmException.class)
        .hasMessageContaining("is not in a git repository; pass --gocd-material-url URL")
        .satisfies(
            e -> assertThat(((GenVmException) e).exitCode()).isEqualTo(ExitCode.USAGE.code()));
  }

  @Test
  void gitRunsInTheGivenFolderFromAnArgumentList() {
    List<CommandSpec> seen = new ArrayList<>();
    GitRepository git =
        new GitRepository(
            spec -> {
              seen.add(spec);
              return new ProcessResult(spec.command(), 0, "origin\n", "", java.time.Duration.ZERO);
            },
            dir);
    git.remoteUrl();
    assertThat(seen)
        .extracting(CommandSpec::command)
        .containsExactly(List.of("git", "remote"), List.of("git", "remote", "get-url", "origin"));
    assertThat(seen).allSatisfy(s -> assertThat(s.workingDir()).isEqualTo(dir));
  }

  static void assertSame(Path a, Path b) {
    try {
      assertThat(a.toRealPath()).isEqualTo(b.toRealPath());
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
