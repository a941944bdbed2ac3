package org.genvmimage.download;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.URI;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Optional;
import org.genvmimage.core.Folders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The small JSON files of the cache: read leniently, written by an atomic rename. */
final class CacheJson {
  private static final Logger log = LoggerFactory.getLogger(CacheJson.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private CacheJson() {}

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  /** The file's JSON object; empty when it is missing, unreadable or not an object. */
  static Optional<JsonNode> read(Path file) {
    try {
      return Optional.of(JSON.readTree(file.toFile())).filter(JsonNode::isObject);
    } catch (NoSuchFileException | FileNotFoundException e) {
      return Optional.empty();
    } catch (IOException e) {
      log.debug("ignoring unreadable {}: {}", file, e.toString());
      return Optional.empty();
    }
  }

  /** Like {@link #write}, but only logs a failure. */
  static void writeQuietly(Path file, JsonNode node) {
    try {
      write(file, node);
    } catch (IOException e) {
      log.warn("cannot write {}: {}", file, e.toString());
    }
  }

  /** Writes to a temporary file beside the target and renames it over the target. */
  static void write(Path file, JsonNode node) throws IOException {
    Path folder = Folders.of(file);
    Files.createDirectories(folder);
    Path tmp = Files.createTempFile(folder, file.getFileName().toString(), ".tmp");
    try {
      Files.write(tmp, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(node));
      try {
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING);
      }
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  static URI uriOrNull(String s) {
    try {
      return s == null ? null : URI.create(s);
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  static Instant instantOrNull(String s) {
    try {
      return s == null ? null : Instant.parse(s);
    } catch (RuntimeException e) {
      return null;
    }
  }
}
