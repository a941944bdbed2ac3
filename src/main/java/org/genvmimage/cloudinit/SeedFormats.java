package org.genvmimage.cloudinit;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.ArrayDeque;
import java.util.Collections;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.genvmimage.core.StrictText;
import org.genvmimage.yaml.YamlComposer;
import org.genvmimage.yaml.YamlSyntaxException;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Checks a seed file's bytes the way cloud-init reads them, and names the format found. Problems
 * and warnings are added to the given lists, one line each, starting with the file's label.
 *
 * <p>User data and vendor data follow cloud-init's own detection: gzip data is accepted as is; a
 * {@code MIME-Version:} header in the first 4096 bytes makes a MIME multipart message; otherwise
 * the first line, ignoring case and leading white space, picks the format. YAML is read by {@link
 * YamlComposer} (one document, limits on nesting and aliases, syntax errors with a hint); duplicate
 * keys in a mapping are problems, because cloud-init would silently keep only the last one.
 */
final class SeedFormats {
  private static final String INVALID = "invalid";
  private static final int MIME_SCAN_BYTES = 4096;

  /** First-line markers that cloud-init acts on, longest first, and the format names shown. */
  private static final List<Map.Entry<String, String>> HEADERS =
      List.of(
          Map.entry("#cloud-config-archive", "#cloud-config-archive"),
          Map.entry("#cloud-config-jsonp", "#cloud-config-jsonp"),
          Map.entry("## template: jinja", "jinja template"),
          Map.entry("#cloud-boothook", "#cloud-boothook"),
          Map.entry("#cloud-config", "#cloud-config"),
          Map.entry("#part-handler", "#part-handler"),
          Map.entry("#include-once", "#include-once"),
          Map.entry("#include", "#include"),
          Map.entry("#!", "script"));

  private final String label;
  private final List<String> problems;
  private final List<String> warnings;

  SeedFormats(String label, List<String> problems, List<String> warnings) {
    this.label = label;
    this.problems = problems;
    this.warnings = warnings;
  }

  /** Checks user data (or vendor data, which may be empty) and returns its format. */
  String userData(byte[] bytes, boolean vendorData) {
    try {
      return userDataFormat(bytes, vendorData);
    } catch (Invalid e) {
      return INVALID;
    }
  }

  /** Checks meta-data: a YAML mapping or empty; warns when it has no instance-id. */
  String metaData(byte[] bytes) {
    try {
      Node root = yaml(decode(bytes));
      expectMapping(root, "meta-data");
      Node id = root == null ? null : value((MappingNode) root, "instance-id");
      if (id != null && !(id instanceof ScalarNode)) {
        throw invalid(at(id) + "instance-id must be a single value, not " + describe(id));
      }
      if (id == null || isNull(id) || ((ScalarNode) id).getValue().isBlank()) {
        warnings.add(
            label
                + ": has no 'instance-id', so cloud-init uses 'nocloud' for every such seed: when"
                + " this image boots again with a changed seed, cloud-init takes it for the same"
                + " instance and does not run its per-instance modules (users, SSH keys, packages,"
                + " runcmd) again; add e.g. 'instance-id: iid-local01'");
      }
      return root == null ? "empty" : "YAML";
    } catch (Invalid e) {
      return INVALID;
    }
  }

  /** Checks network-config: a YAML mapping (version 1 or 2); an empty file is ignored. */
  String networkConfig(byte[] bytes) {
    try {
      Node root = yaml(decode(bytes));
      if (root == null) {
        warnings.add(label + ": is empty, so cloud-init ignores it");
        return "empty";
      }
      expectMapping(root, "network-config");
      MappingNode mapping = (MappingNode) root;
      if (value(mapping, "version") == null && value(mapping, "network") == null) {
        warnings.add(
            label
                + ": has no 'version' key; cloud-init expects 'version: 1' or 'version: 2' (or a"
                + " 'network:' mapping that holds one)");
      }
      return "YAML";
    } catch (Invalid e) {
      return INVALID;
    }
  }

  private String userDataFormat(byte[] bytes, boolean vendorData) {
    if (bytes.length >= 2 && (bytes[0] & 0xff) == 0x1f && (bytes[1] & 0xff) == 0x8b) {
      return "gzip";
    }
    String text = decode(bytes);
    if (text.isBlank()) {
      if (!vendorData) {
        warnings.add(label + ": is empty, so cloud-init has no user data to apply");
      }
      return "empty";
    }
    if (text.startsWith("\uFEFF")) {
      throw invalid(
          label
              + ":1:1: starts with a byte order mark, so cloud-init would not recognise its first"
              + " line; save it as UTF-8 without a BOM");
    }
    String head = text.substring(0, Math.min(text.length(), MIME_SCAN_BYTES));
    if (head.toLowerCase(Locale.ROOT).contains("mime-version:")) {
      return "MIME multipart";
    }
    String start = text.stripLeading().toLowerCase(Locale.ROOT);
    String format =
        HEADERS.stream()
            .filter(header -> start.startsWith(header.getKey()))
            .map(Map.Entry::getValue)
            .findFirst()
            .orElseThrow(() -> invalid(unrecognised(text, start)));
    switch (format) {
      case "#cloud-config" -> expectMapping(yaml(text), "cloud-config");
      case "#cloud-config-archive" -> {
        Node root = yaml(text);
        if (root != null && !(root instanceof SequenceNode)) {
          throw invalid(
              at(root) + "#cloud-config-archive must be a list of parts, found " + describe(root));
        }
      }
      case "script" -> {
        if (text.contains("\r\n")) {
          warnings.add(
              label
                  + ": has Windows line endings (CRLF); the guest would see a '\\r' at the end"
                  + " of each line (\"bad interpreter\"); save it with LF line endings");
        }
      }
      default -> {
        // accepted as cloud-init reads it; this format is not parsed here
      }
    }
    return format;
  }

  private String unrecognised(String text, String start) {
    String firstLine = text.stripLeading().lines().findFirst().orElse("");
    if (firstLine.length() > 40) {
      firstLine = firstLine.substring(0, 40) + "...";
    }
    if (start.startsWith("content-type:")) {
      return label
          + ":1:1: looks like a MIME message but has no 'MIME-Version:' header in its first 4096"
          + " bytes, so cloud-init would ignore it; add 'MIME-Version: 1.0'";
    }
    if (quietlyComposes(text) instanceof MappingNode) {
      return label
          + ":1:1: cloud-config must start with the line '#cloud-config' (the first line is '"
          + firstLine
          + "'); without it cloud-init ignores the file";
    }
    return label
        + ":1:1: not a format cloud-init acts on (the first line is '"
        + firstLine
        + "'); start with '#cloud-config' (YAML), '#!' (a script), '#include', '#cloud-boothook',"
        + " '#part-handler' or '## template: jinja', or use a MIME multipart message or gzip data";
  }

  /** Decodes strictly; reports the line and column of the first byte that is not UTF-8. */
  private String decode(byte[] bytes) {
    return StrictText.decode(
        bytes,
        0,
        UTF_8,
        bad ->
            invalid(
                String.format(
                    "%s:%d:%d: not UTF-8 text (byte 0x%02x); cloud-init reads seed files as UTF-8",
                    label, bad.line(), bad.column(), bad.value())));
  }

  /** The root node of the one YAML document in {@code text}, or null when it is empty or null. */
  private Node yaml(String text) {
    try {
      Node root = YamlComposer.compose(label, text, IsoWriter.MAX_FILE_BYTES).orElse(null);
      if (root == null || isNull(root)) {
        return null;
      }
      checkDuplicateKeys(root);
      return root;
    } catch (YamlSyntaxException e) {
      throw invalid(e.getMessage());
    }
  }

  private Node quietlyComposes(String text) {
    try {
      return YamlComposer.compose(label, text, IsoWriter.MAX_FILE_BYTES).orElse(null);
    } catch (YamlSyntaxException e) {
      return null;
    }
  }

  /** Reports duplicate keys in every mapping, in file order; aliases may make the graph cyclic. */
  private void checkDuplicateKeys(Node root) {
    Set<Node> visited = Collections.newSetFromMap(new IdentityHashMap<>());
    Deque<Node> todo = new ArrayDeque<>(List.of(root));
    Map<ScalarNode, ScalarNode> duplicates = new IdentityHashMap<>();
    while (!todo.isEmpty()) {
      Node node = todo.pop();
      if (!visited.add(node)) {
        continue;
      }
      if (node instanceof MappingNode mapping) {
        Map<String, ScalarNode> seen = new HashMap<>();
        for (NodeTuple tuple : mapping.getValue()) {
          if (tuple.getKeyNode() instanceof ScalarNode key && !key.getValue().equals("<<")) {
            ScalarNode first = seen.putIfAbsent(key.getValue(), key);
            if (first != null) {
              duplicates.put(key, first);
            }
          }
          todo.push(tuple.getValueNode());
        }
      } else if (node instanceof SequenceNode sequence) {
        sequence.getValue().forEach(todo::push);
      }
    }
    duplicates.keySet().stream()
        .sorted(Comparator.comparingInt(key -> key.getStartMark().map(Mark::getIndex).orElse(0)))
        .forEach(
            key ->
                problems.add(
                    at(key)
                        + "duplicate key '"
                        + key.getValue()
                        + "' (first at "
                        + position(duplicates.get(key).getStartMark().orElse(null))
                        + "); cloud-init would keep only the last one: remove or merge one"));
  }

  /** Accepts a mapping or nothing (an empty document). */
  private void expectMapping(Node root, String what) {
    if (root != null && !(root instanceof MappingNode)) {
      throw invalid(
          at(root) + what + " must be a mapping of 'key: value' lines, found " + describe(root));
    }
  }

  /** Adds the problem and returns the exception that ends this file's check. */
  private Invalid invalid(String problem) {
    problems.add(problem);
    return new Invalid();
  }

  /** Ends a file's check once a problem is found. */
  private static final class Invalid extends RuntimeException {
    Invalid() {
      super(null, null, false, false);
    }
  }

  private static Node value(MappingNode mapping, String key) {
    for (NodeTuple tuple : mapping.getValue()) {
      if (tuple.getKeyNode() instanceof ScalarNode k && k.getValue().equals(key)) {
        return tuple.getValueNode();
      }
    }
    return null;
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode && node.getTag().equals(Tag.NULL);
  }

  private static String describe(Node node) {
    if (node instanceof SequenceNode) {
      return "a list";
    }
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    String value = ((ScalarNode) node).getValue();
    return "a single value ('"
        + (value.length() > 40 ? value.substring(0, 40) + "..." : value)
        + "')";
  }

  private String at(Node node) {
    return label + ":" + position(node.getStartMark().orElse(null)) + ": ";
  }

  private static String position(Mark mark) {
    return mark == null ? "1:1" : (mark.getLine() + 1) + ":" + (mark.getColumn() + 1);
  }
}
