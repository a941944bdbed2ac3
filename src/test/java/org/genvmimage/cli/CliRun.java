package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;

/** Runs a command in-process, as the CLI tests do, through {@link Cli#run}. */
final class CliRun {
  private static final ObjectMapper JSON = new ObjectMapper();

  private CliRun() {}

  /** How one run ended: its exit code, stdout and stderr. */
  record Result(int exit, String out, String err) {
    /** Stdout as exactly one JSON document. */
    JsonNode json() throws IOException {
      List<JsonNode> documents = new ArrayList<>();
      try (MappingIterator<JsonNode> it = JSON.readerFor(JsonNode.class).readValues(out)) {
        it.forEachRemaining(documents::add);
      }
      assertThat(documents).as("documents on stdout: " + out).hasSize(1);
      assertThat(out).endsWith("}\n");
      return documents.get(0);
    }
  }

  /** {@code gen-vm-image} with these arguments. */
  static Result gen(String... args) {
    return run(new GenVmImageCommand(), args);
  }

  /** {@code configure-vm-image} with these arguments. */
  /**
   * gen-vm-image with the test's own cache folder and two retries, so a test never touches the
   * user's cache nor waits out the default retries.
   */
  static Result genWithCache(java.nio.file.Path cache, String... args) {
    List<String> all = new ArrayList<>(List.of("--cache-dir", cache.toString(), "--retries", "2"));
    all.addAll(List.of(args));
    return gen(all.toArray(String[]::new));
  }

  static Result configure(String... args) {
    return run(new ConfigureVmImageCommand(), args);
  }

  /** A command object with these arguments. */
  static Result run(Object command, String... args) {
    StringWriter o = new StringWriter();
    StringWriter e = new StringWriter();
    int code = Cli.run(command, new PrintWriter(o), new PrintWriter(e), args);
    return new Result(code, o.toString(), e.toString());
  }
}
