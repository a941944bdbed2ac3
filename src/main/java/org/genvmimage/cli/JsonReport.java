package org.genvmimage.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.IntSupplier;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/**
 * The one JSON document that a command prints on stdout with {@code --output json}: the top-level
 * fields both commands share, and the writer. Records in the document get snake_case field names.
 */
public final class JsonReport {
  /** The values of {@code --output}. */
  public enum Format {
    text,
    json
  }

  static final ObjectMapper JSON =
      JsonMapper.builder()
          .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
          .enable(SerializationFeature.INDENT_OUTPUT)
          .build();

  private JsonReport() {}

  /**
   * The shared top-level fields, in order: command, version, status, exit_code, dry_run, error. The
   * caller adds its own fields to the returned (ordered, mutable) map.
   */
  public static Map<String, Object> document(
      String command, int exitCode, boolean dryRun, String error) {
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("command", command);
    document.put("version", VersionProvider.version());
    document.put("status", status(exitCode));
    document.put("exit_code", exitCode);
    document.put("dry_run", dryRun);
    document.put("error", error);
    return document;
  }

  /**
   * The shared top-level fields as a tree, for a caller that builds the rest as a tree; {@code
   * error} keeps only its first line (what follows is detail such as a console tail).
   */
  static ObjectNode documentNode(String command, int exitCode, boolean dryRun, String error) {
    String first = error == null ? null : error.strip().split("\\R", 2)[0].strip();
    return JSON.valueToTree(document(command, exitCode, dryRun, first));
  }

  /** "ok" for exit code 0, "interrupted" for 130, else "failed". */
  public static String status(int exitCode) {
    if (exitCode == ExitCode.OK.code()) {
      return "ok";
    }
    return exitCode == ExitCode.INTERRUPTED.code() ? "interrupted" : "failed";
  }

  /** Writes a command's JSON document for its exit code and error (null when none). */
  @FunctionalInterface
  interface Writer {
    void write(int exitCode, String error);
  }

  /**
   * Runs a command's work; with JSON output, also writes its document once it ended, whether it
   * returned an exit code or failed (the failure is then thrown on, for the usual message).
   */
  static int run(Format format, IntSupplier work, Writer document) {
    if (format != Format.json) {
      return work.getAsInt();
    }
    try {
      int code = work.getAsInt();
      document.write(code, null);
      return code;
    } catch (GenVmException e) {
      document.write(e.exitCode(), oneLine(e.getMessage()));
      throw e;
    } catch (RuntimeException | Error e) {
      document.write(ExitCode.INTERNAL.code(), "unexpected " + e);
      throw e;
    }
  }

  /** A message on one line: its lines joined with "; ". */
  public static String oneLine(String message) {
    return message == null ? null : String.join("; ", message.strip().split("\\s*\\R\\s*"));
  }

  /** Writes one document, pretty-printed, with a trailing newline, and flushes. */
  public static void write(PrintWriter out, Object document) {
    try {
      out.print(JSON.writeValueAsString(document));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the JSON report", e);
    }
    out.print('\n');
    out.flush();
  }
}
