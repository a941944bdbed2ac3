package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.genvmimage.cli.CliRun.gen;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.genvmimage.cli.CliRun.Result;
import org.genvmimage.console.Units;
import org.genvmimage.core.ExitCode;
import org.genvmimage.download.Digest;
import org.genvmimage.download.DownloadCache;
import org.genvmimage.download.TestHttpServer;
import org.genvmimage.testing.TestImages;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gen-vm-image cache list|delete|prune} on caches filled by real builds (loopback HTTP, the
 * real qemu-img), with builds in this JVM and in other processes running at the same time.
 */
class CacheCommandTest {
  static final int MIB = 1024 * 1024;

  @TempDir Path dir;
  TestHttpServer server;
  Path cache;
  DownloadCache downloadCache;
  ExecutorService pool;
  int builds;

  /** A base image on the test server. */
  record Base(String path, URI uri, String hex, long size) {
    String shortHex() {
      return hex.substring(0, 12);
    }
  }

  @BeforeEach
  void start() {
    server = TestHttpServer.start();
    cache = dir.resolve("cache");
    downloadCache = new DownloadCache(cache);
    pool = Executors.newCachedThreadPool();
  }

  @AfterEach
  void stop() {
    pool.shutdownNow();
    server.close();
  }

  Result cacheCommand(String... args) {
    List<String> all = new ArrayList<>(List.of("cache"));
    all.addAll(List.of(args));
    all.addAll(List.of("--cache-dir", cache.toString()));
    return gen(all.toArray(String[]::new));
  }

  /** Serves a 1 MiB raw disk image made from a seed. */
  Base base(String name, long seed) throws IOException {
    byte[] bytes = Files.readAllBytes(TestImages.raw(dir, name, MIB, seed));
    String path = "/images/" + name;
    server.serve(path, bytes);
    return new Base(path, server.uri(path), TestHttpServer.sha256(bytes), bytes.length);
  }

  Path architecture(String... images) throws IOException {
    StringBuilder yaml = new StringBuilder("owner: t\nimages:\n");
    for (String image : images) {
      yaml.append(image);
    }
    Path file = dir.resolve("architecture-" + (++builds) + ".yml");
    Files.writeString(file, yaml.toString());
    return file;
  }

  static String image(String key, Base base) {
    return GenVmImageCommandTest.image(key, base.uri().toString(), "sha256", base.hex(), "4M");
  }

  /** Builds images into a new folder; returns the result. */
  Result build(String... images) throws IOException {
    Path arch = architecture(images);
    Path out = dir.resolve("out-" + builds);
    return gen(
        "--architecture-path",
        arch.toString(),
        "--image-output-path",
        out.resolve("image.qcow2").toString(),
        "--cache-dir",
        cache.toString(),
        "--retries",
        "1",
        "--generated-image-owner",
        "nobody",
        "-q");
  }

  void built(Base base) throws IOException {
    Result r = build(image("one", base));
    assertThat(r.exit()).as(r.err()).isZero();
  }

  Path entry(Base b) {
    return downloadCache.entryPath(new Digest("sha256", b.hex()));
  }

  Path sibling(Base b, String suffix) {
    return entry(b).resolveSibling(b.hex() + suffix);
  }

  /** A download that is cut short and leaves a partial download in the cache. */
  Base partial(String name, long seed) throws IOException {
    Base b = base(name, seed);
    server.serve(b.path(), Files.readAllBytes(dir.resolve(name))).cutAfter(300_000, 100);
    Result r = build(image("cut", b));
    assertThat(r.exit()).as(r.err()).isEqualTo(ExitCode.DOWNLOAD_FAILED.code());
    assertThat(sibling(b, ".part")).exists();
    return b;
  }

  // ---- list

  @Test
  void listShowsEntriesAndPartialDownloadsAsTextAndJson() throws Exception {
    Base a = base("a.img", 1);
    Base b = base("b.img", 2);
    built(a);
    built(b);
    Base c = partial("c.img", 3);
    long partSize = Files.size(sibling(c, ".part"));

    Result text = cacheCommand("list");
    assertThat(text.exit()).as(text.err()).isZero();
    List<String> lines = text.out().lines().toList();
    assertThat(lines.get(0)).matches("TYPE +CHECKSUM +SIZE +LAST USED \\(UTC\\) +SOURCE");
    assertThat(lines)
        .anyMatch(l -> l.matches("sha256 +" + a.shortHex() + " +1 MiB +\\d{4}-.* +" + a.uri()))
        .anyMatch(l -> l.matches("sha256 +" + b.shortHex() + " +1 MiB +\\d{4}-.* +" + b.uri()))
        .anyMatch(
            l ->
                l.matches(
                    "sha256 +"
                        + c.shortHex()
                        + " +"
                        + Units.bytes(partSize)
                        + " +\\d{4}-.* +\\(partial\\) "
                        + c.uri()));
    assertThat(lines.get(lines.size() - 1))
        .isEqualTo("3 entries (1 partial), " + Units.bytes(2 * MIB + partSize) + ", in " + cache);

    Result json = cacheCommand("list", "--output", "json");
    assertThat(json.exit()).as(json.err()).isZero();
    JsonNode doc = new ObjectMapper().readTree(json.out());
    assertThat(doc.path("total_size").asLong()).isEqualTo(2 * MIB + partSize);
    assertThat(doc.path("entries")).hasSize(3);
    JsonNode ea = find(doc, a.hex());
    assertThat(ea.path("checksum").path("type").asText()).isEqualTo("sha256");
    assertThat(ea.path("path").asText()).isEqualTo(entry(a).toString());
    assertThat(ea.path("size").asLong()).isEqualTo(MIB);
    assertThat(ea.path("source_urls").get(0).asText()).isEqualTo(a.uri().toString());
    assertThat(Instant.parse(ea.path("created").asText())).isBeforeOrEqualTo(Instant.now());
    assertThat(Instant.parse(ea.path("last_used").asText()))
        .isAfterOrEqualTo(Instant.parse(ea.path("created").asText()));
    assertThat(ea.path("partial").asBoolean()).isFalse();
    JsonNode ec = find(doc, c.hex());
    assertThat(ec.path("partial").asBoolean()).isTrue();
    assertThat(ec.path("path").asText()).isEqualTo(sibling(c, ".part").toString());
    assertThat(ec.path("size").asLong()).isEqualTo(partSize);
    assertThat(ec.path("created").isNull()).isTrue();
    assertThat(ec.path("source_urls").get(0).asText()).isEqualTo(c.uri().toString());

    // --cache-dir before "cache" counts too; a missing cache is empty, and is not created
    Result parent = gen("--cache-dir", cache.toString(), "cache", "list", "--output", "json");
    assertThat(new ObjectMapper().readTree(parent.out()).path("entries")).hasSize(3);
    Path none = dir.resolve("no-cache");
    Result empty = gen("cache", "list", "--cache-dir", none.toString());
    assertThat(empty.out()).isEqualTo("0 entries, 0 B, in " + none + "\n");
    assertThat(none).doesNotExist();
  }

  @Test
  void aHitFromAnotherUrlIsRecordedAsASource() throws Exception {
    Base a = base("a.img", 1);
    built(a);
    server.serve("/mirror/a.img", Files.readAllBytes(dir.resolve("a.img")));
    Base mirror = new Base("/mirror/a.img", server.uri("/mirror/a.img"), a.hex(), a.size());
    Instant before = Instant.now();
    built(mirror);

    JsonNode e =
        find(new ObjectMapper().readTree(cacheCommand("list", "--output", "json").out()), a.hex());
    assertThat(e.path("source_urls"))
        .extracting(JsonNode::asText)
        .containsExactly(a.uri().toString(), mirror.uri().toString());
    assertThat(Instant.parse(e.path("last_used").asText())).isAfterOrEqualTo(before);
    assertThat(server.requests("/mirror/a.img")).isEmpty();
  }

  @Test
  void optionValuesThatReadLikeTheCacheCommandStayValues() throws Exception {
    Base a = base("a.img", 1);
    Path arch = architecture(image("cache", a), image("other", a));
    Path out = dir.resolve("out");
    Result r =
        gen(
            "--architecture-path",
            arch.toString(),
            "--image-output-path",
            out.resolve("image.qcow2").toString(),
            "--cache-dir",
            cache.toString(),
            "--image",
            "cache",
            "--generated-image-owner",
            "nobody");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out()).containsPattern("cache +built +" + out.resolve("cache.qcow2"));
    assertThat(out.resolve("other.qcow2")).doesNotExist();
  }

  private static JsonNode find(JsonNode doc, String hex) {
    for (JsonNode e : doc.path("entries")) {
      if (e.path("checksum").path("value").asText().equals(hex)) {
        return e;
      }
    }
    throw new AssertionError("no entry " + hex + " in " + doc);
  }

  // ---- delete

  @Test
  void deleteByPrefixRefusesAmbiguousAndUnknownValues() throws Exception {
    List<Base> same = new ArrayList<>();
    Set<Character> firsts = new HashSet<>();
    Base first = base("s0.img", 100);
    for (long seed = 101; same.isEmpty(); seed++) {
      Base b = base("s" + seed + ".img", seed);
      if (b.hex().charAt(0) == first.hex().charAt(0)) {
        same.add(b);
      }
    }
    Base second = same.get(0);
    built(first);
    built(second);
    firsts.add(first.hex().charAt(0));
    char unknown =
        "0123456789abcdef"
            .chars()
            .mapToObj(ch -> (char) ch)
            .filter(ch -> !firsts.contains(ch))
            .findFirst()
            .orElseThrow();

    Result ambiguous = cacheCommand("delete", first.hex().substring(0, 1));
    assertThat(ambiguous.exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(ambiguous.err())
        .contains("gen-vm-image cache delete: error: '" + first.hex().charAt(0) + "' matches 2")
        .contains(first.shortHex())
        .contains(second.shortHex());
    Result unknownValue = cacheCommand("delete", first.hex(), unknown + "0");
    assertThat(unknownValue.exit()).isEqualTo(ExitCode.INVALID_INPUT.code());
    assertThat(unknownValue.err())
        .contains("no cache entry matches '" + unknown + "0' in " + cache);
    assertThat(cacheCommand("delete", "xyz").exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(cacheCommand("delete").exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(cacheCommand("delete", "--all", first.hex()).exit())
        .isEqualTo(ExitCode.USAGE.code());
    assertThat(entry(first)).as("nothing deleted on errors").exists();
    assertThat(entry(second)).exists();

    int common = 1;
    while (first.hex().charAt(common) == second.hex().charAt(common)) {
      common++;
    }
    Result deleted =
        cacheCommand("delete", "SHA256:" + first.hex().substring(0, common + 1).toUpperCase());
    assertThat(deleted.exit()).as(deleted.err()).isZero();
    assertThat(deleted.out())
        .isEqualTo(
            "deleted  sha256 " + first.shortHex() + "  1 MiB\nfreed 1 MiB (1 entry deleted)\n");
    assertThat(entry(first)).doesNotExist();
    assertThat(sibling(first, ".json")).doesNotExist();
    assertThat(sibling(first, ".lock")).doesNotExist();
    assertThat(entry(second)).exists();

    built(first);
    assertThat(server.requests(first.path())).as("downloaded again").hasSize(2);
  }

  @Test
  void deleteAllEmptiesTheCacheAndItsSums() throws Exception {
    Base a = base("a.img", 1);
    Base b = base("b.img", 2);
    server.serve("/images/SHA256SUMS", (b.hex() + "  b.img\n").getBytes());
    built(a);
    Result r =
        build(
            "  two:\n    name: two\n    version: 1\n    get_url: "
                + b.uri()
                + "\n    checksum:\n      type: sha256\n      value: file:"
                + server.uri("/images/SHA256SUMS")
                + "\n    size: 4M\n");
    assertThat(r.exit()).as(r.err()).isZero();
    Base c = partial("c.img", 3);
    assertThat(TestImages.listFiles(cache.resolve("sums"))).hasSize(1);

    Result all = cacheCommand("delete", "--all");
    assertThat(all.exit()).as(all.err()).isZero();
    assertThat(all.out())
        .contains("deleted  sha256 " + a.shortHex() + "  1 MiB\n")
        .contains("deleted  sha256 " + b.shortHex() + "  1 MiB\n")
        .contains("deleted  sha256 " + c.shortHex())
        .containsPattern("freed [0-9.]+ MiB \\(3 entries deleted\\)\n$");
    assertThat(TestImages.listFiles(cache)).containsExactly(".lock");
    assertThat(cacheCommand("list").out()).isEqualTo("0 entries, 0 B, in " + cache + "\n");
  }

  // ---- prune

  @Test
  void pruneBySizeEvictsTheLeastRecentlyUsed() throws Exception {
    Base a = base("a.img", 1);
    Base b = base("b.img", 2);
    Base c = base("c.img", 3);
    built(a);
    built(b);
    built(c);
    built(a); // a hit: a is now the most recently used, b the least

    Result dry = cacheCommand("prune", "--max-size", "2M", "--dry-run");
    assertThat(dry.exit()).as(dry.err()).isZero();
    assertThat(dry.out())
        .isEqualTo(
            "would prune  sha256 "
                + b.shortHex()
                + "  1 MiB  (least recently used, 0 min ago)\n"
                + "would free 1 MiB (1 entry); the cache would hold 2 MiB\n");
    assertThat(entry(b)).as("a dry run deletes nothing").exists();

    Result pruned = cacheCommand("prune", "--max-size", "2M");
    assertThat(pruned.exit()).as(pruned.err()).isZero();
    assertThat(pruned.out()).contains("pruned  sha256 " + b.shortHex());
    assertThat(entry(b)).doesNotExist();
    assertThat(entry(a)).exists();
    assertThat(entry(c)).exists();

    Result more = cacheCommand("prune", "--max-size", "1536K");
    assertThat(more.out())
        .contains("pruned  sha256 " + c.shortHex())
        .endsWith("freed 1 MiB (1 entry); the cache holds 1 MiB\n");
    assertThat(entry(c)).doesNotExist();
    assertThat(entry(a)).exists();

    assertThat(cacheCommand("prune").exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(cacheCommand("prune", "--max-age", "soon").exit()).isEqualTo(ExitCode.USAGE.code());
  }

  @Test
  void pruneByAgeUsesLastUseAndThePartialDownloadsModificationTime() throws Exception {
    Base old = base("old.img", 1);
    Base fresh = base("fresh.img", 2);
    built(old);
    built(fresh);
    Base oldPart = partial("old-part.img", 3);
    Base freshPart = partial("fresh-part.img", 4);
    long oldPartSize = Files.size(sibling(oldPart, ".part"));
    long kept = MIB + Files.size(sibling(freshPart, ".part"));
    Instant longAgo = Instant.now().minus(Duration.ofDays(40));
    ObjectNode meta = (ObjectNode) new ObjectMapper().readTree(sibling(old, ".json").toFile());
    meta.put("lastUsed", longAgo.toString());
    Files.writeString(sibling(old, ".json"), meta.toString());
    Files.setLastModifiedTime(sibling(oldPart, ".part"), FileTime.from(longAgo));
    // the file's own time does not count when its use was recorded
    Files.setLastModifiedTime(entry(fresh), FileTime.from(longAgo));

    Result r = cacheCommand("prune", "--max-age", "30d");
    assertThat(r.exit()).as(r.err()).isZero();
    assertThat(r.out().lines().toList())
        .containsExactly(
            "pruned  sha256 " + old.shortHex() + "  1 MiB  (unused for 40 days)",
            "pruned  sha256 "
                + oldPart.shortHex()
                + " (partial)  "
                + Units.bytes(oldPartSize)
                + "  (unused for 40 days)",
            "freed "
                + Units.bytes(MIB + oldPartSize)
                + " (2 entries); the cache holds "
                + Units.bytes(kept));
    assertThat(entry(old)).doesNotExist();
    assertThat(sibling(old, ".json")).doesNotExist();
    assertThat(sibling(oldPart, ".part")).doesNotExist();
    assertThat(sibling(oldPart, ".part.json")).doesNotExist();
    assertThat(sibling(oldPart, ".lock")).doesNotExist();
    assertThat(entry(fresh)).exists();
    assertThat(sibling(freshPart, ".part")).exists();

    assertThat(cacheCommand("prune", "--max-age", "30d").out())
        .isEqualTo("freed 0 B (0 entries); the cache holds " + Units.bytes(kept) + "\n");
  }

  @Test
  void pruneWithMaxAgeZeroDeletesEverythingWithOrWithoutAUnit() throws Exception {
    for (String zero : List.of("0", "0s", "0d", "0h0m")) {
      Base a = base("a-" + zero + ".img", zero.length());
      built(a);
      Base part = partial("p-" + zero + ".img", 10 + zero.length());

      Result r = cacheCommand("prune", "--max-age", zero);
      assertThat(r.exit()).as(zero + ": " + r.err()).isZero();
      assertThat(r.out())
          .as(zero)
          .contains("pruned  sha256 " + a.shortHex())
          .contains("pruned  sha256 " + part.shortHex() + " (partial)")
          .endsWith("; the cache holds 0 B\n");
      assertThat(entry(a)).doesNotExist();
      assertThat(sibling(part, ".part")).doesNotExist();
    }
    Result notADuration = cacheCommand("prune", "--max-age", "0x");
    assertThat(notADuration.exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(notADuration.err()).contains("'0x' is not a duration");
  }

  @Test
  void aTimeoutOfZeroIsStillRefused() {
    Result r = CliRun.configure("--timeout", "0s", "--dry-run");
    assertThat(r.exit()).isEqualTo(ExitCode.USAGE.code());
    assertThat(r.err()).contains("'0s' is no time at all");
  }

  // ---- locking

  @Test
  void aBuildThatIsConvertingKeepsItsEntryFromDeleteAndPrune() throws Exception {
    Base a = base("a.img", 1);
    built(a);
    Path converting = dir.resolve("converting");
    Path go = dir.resolve("go");
    Path wrapper = dir.resolve("qemu-img-wrapper");
    Files.writeString(
        wrapper,
        "#!/bin/sh\nif [ \"$1\" = convert ]; then touch '"
            + converting
            + "'; while [ ! -e '"
            + go
            + "' ]; do sleep 0.05; done; fi\nexec qemu-img \"$@\"\n");
    Files.setPosixFilePermissions(wrapper, PosixFilePermissions.fromString("rwx------"));
    Path arch = architecture(image("one", a));
    Path output = dir.resolve("held").resolve("one.qcow2");
    Process build =
        startJava(
            Map.of("GEN_VM_IMAGE_QEMU_IMG", wrapper.toString()),
            GenVmImageCommand.class.getName(),
            "--architecture-path",
            arch.toString(),
            "--image-output-path",
            output.toString(),
            "--cache-dir",
            cache.toString(),
            "--generated-image-owner",
            "nobody");
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (!Files.exists(converting)) {
        assertThat(build.isAlive()).as(output(build)).isTrue();
        assertThat(System.nanoTime()).isLessThan(deadline);
        Thread.sleep(50);
      }

      Result skipped = cacheCommand("delete", "--no-wait", a.hex());
      assertThat(skipped.exit()).as(skipped.err()).isZero();
      assertThat(skipped.err()).contains("sha256 " + a.shortHex() + ": in use by a build; kept");
      assertThat(skipped.out()).isEqualTo("freed 0 B (0 entries deleted, 1 in use and kept)\n");
      Result prune = cacheCommand("prune", "--max-size", "0");
      assertThat(prune.exit()).as(prune.err()).isZero();
      assertThat(prune.err()).contains(a.shortHex() + ": in use; kept");
      assertThat(entry(a)).exists();

      Future<Result> delete = pool.submit(() -> cacheCommand("delete", a.hex()));
      Thread.sleep(500);
      assertThat(delete).as("waits for the build").isNotDone();
      assertThat(entry(a)).exists();

      Files.createFile(go);
      assertThat(build.waitFor(60, TimeUnit.SECONDS)).isTrue();
      assertThat(build.exitValue()).as(output(build)).isZero();
      GenVmImageCommandTest.assertImage(output, 4 * MIB);

      Result deleted = delete.get(20, TimeUnit.SECONDS);
      assertThat(deleted.exit()).as(deleted.err()).isZero();
      assertThat(deleted.err()).contains("waiting for the builds that use sha256 " + a.shortHex());
      assertThat(deleted.out()).contains("deleted  sha256 " + a.shortHex());
      assertThat(entry(a)).doesNotExist();
    } finally {
      build.destroyForcibly();
    }
  }

  @Test
  void buildsRunningWhileDeleteAllLoopsEitherHitOrDownloadAgain() throws Exception {
    Base a = base("a.img", 1);
    AtomicBoolean done = new AtomicBoolean();
    List<Result> deletes = java.util.Collections.synchronizedList(new ArrayList<>());
    Future<?> deleter =
        pool.submit(
            () -> {
              while (!done.get()) {
                deletes.add(cacheCommand("delete", "--all", "-q"));
              }
            });
    Path stop = dir.resolve("stop-deleting");
    Process otherDeleter =
        startJava(Map.of(), DeleteLoop.class.getName(), cache.toString(), stop.toString());
    try {
      for (int i = 0; i < 8; i++) {
        // two images of one base in parallel share the entry in this JVM
        Result r = build(image("one", a), image("two", a));
        assertThat(r.exit()).as("build " + i + ": " + r.err() + r.out()).isZero();
        GenVmImageCommandTest.assertImage(
            dir.resolve("out-" + builds).resolve("one.qcow2"), 4 * MIB);
        GenVmImageCommandTest.assertImage(
            dir.resolve("out-" + builds).resolve("two.qcow2"), 4 * MIB);
      }
    } finally {
      done.set(true);
      Files.createFile(stop);
      deleter.get(30, TimeUnit.SECONDS);
      assertThat(otherDeleter.waitFor(30, TimeUnit.SECONDS)).isTrue();
    }
    assertThat(otherDeleter.exitValue()).as(output(otherDeleter)).isZero();
    assertThat(deletes).allSatisfy(d -> assertThat(d.exit()).as(d.err()).isZero());
    String allDeletes =
        String.join("", deletes.stream().map(Result::out).toList()) + output(otherDeleter);
    assertThat(allDeletes)
        .as("the entry was deleted between builds")
        .contains("deleted  sha256 " + a.shortHex());
    assertThat(server.requests(a.path()).size()).as("and downloaded again").isGreaterThan(1);
  }

  /** A separate process for tests: deletes the whole cache again and again until a file exists. */
  public static final class DeleteLoop {
    public static void main(String[] args) {
      Path stop = Path.of(args[1]);
      int rounds = 0;
      while (!Files.exists(stop)) {
        int code =
            GenVmImageCommand.run(
                new PrintWriter(System.out, true),
                new PrintWriter(System.err, true),
                "cache",
                "delete",
                "--all",
                "-q",
                "--cache-dir",
                args[0]);
        if (code != 0) {
          System.exit(code);
        }
        rounds++;
      }
      System.out.println("rounds: " + rounds);
    }
  }

  @Test
  void theDefaultCacheFollowsXdgCacheHomeAsTheBuildDoes() throws Exception {
    Path xdg = dir.resolve("xdg");
    cache = xdg.resolve("gen-vm-image");
    Base a = base("a.img", 1);
    built(a);
    Process list =
        startJava(
            Map.of("XDG_CACHE_HOME", xdg.toString()),
            GenVmImageCommand.class.getName(),
            "cache",
            "list");
    assertThat(list.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(list.exitValue()).as(output(list)).isZero();
    assertThat(output(list)).contains(a.shortHex()).contains("1 entry, 1 MiB, in " + cache);
  }

  private final Map<Process, Path> outputs = new java.util.concurrent.ConcurrentHashMap<>();

  private Process startJava(Map<String, String> env, String... args) throws IOException {
    List<String> command =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path")));
    command.addAll(List.of(args));
    Path log = Files.createTempFile(dir, "process", ".txt");
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.redirectOutput(log.toFile());
    pb.environment().putAll(env);
    Process p = pb.start();
    outputs.put(p, log);
    return p;
  }

  private String output(Process p) {
    try {
      return Files.readString(outputs.get(p));
    } catch (IOException e) {
      return e.toString();
    }
  }
}
