package org.genvmimage.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import org.genvmimage.core.ExitCode;

/**
 * The one JSON document that a command prints on stdout with {@code --output json}, also when it
 * fails. Its first fields are the same for both commands: {@code command}, {@code version}, {@code
 * status} ({@code ok}, {@code failed} or {@code interrupted}), {@code exit_code}, {@code dry_run}
 * and {@code error} (the one-line message, or null).
 */
final class JsonReport {
  static final ObjectMapper MAPPER = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private JsonReport() {}

  /** A document with the shared fields filled in; the command adds its own after them. */
  static ObjectNode document(String command, int exitCode, boolean dryRun, String error) {
    ObjectNode doc = MAPPER.createObjectNode();
    doc.put("command", command);
    doc.put("version", VersionProvider.version());
    doc.put("status", status(exitCode));
    doc.put("exit_code", exitCode);
    doc.put("dry_run", dryRun);
    doc.put("error", error == null ? null : firstLine(error));
    return doc;
  }

  /** {@code ok}, {@code interrupted} or {@code failed}, by exit code. */
  static String status(int exitCode) {
    return switch (exitCode) {
      case ExitCode.OK -> "ok";
      case ExitCode.INTERRUPTED -> "interrupted";
      default -> "failed";
    };
  }

  /** Prints the document and a line end, and flushes. */
  static void write(PrintWriter out, ObjectNode doc) {
    try {
      out.println(MAPPER.writeValueAsString(doc));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON tree", e);
    }
    out.flush();
  }

  private static String firstLine(String message) {
    int end = message.indexOf('\n');
    return (end < 0 ? message : message.substring(0, end)).strip();
  }
}
