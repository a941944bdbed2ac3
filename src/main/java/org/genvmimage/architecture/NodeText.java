package org.genvmimage.architecture;

import static org.genvmimage.core.Messages.oneLine;

import java.util.List;
import java.util.Locale;
import org.genvmimage.core.EditDistance;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/** How the validator's messages show what the file holds: values, node kinds, positions, typos. */
final class NodeText {
  /** The longest value or key shown in a message as it is. */
  static final int MAX_QUOTED = 80;

  private NodeText() {}

  /** What a node is, for a message: its kind, or a scalar's value quoted. */
  static String describe(Node node) {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a sequence";
    }
    if (node instanceof ScalarNode) {
      return quote(((ScalarNode) node).getValue());
    }
    return "an alias";
  }

  /** A value from the file, quoted for a message: shortened, on one line. */
  static String quote(String value) {
    String shown =
        value.length() <= MAX_QUOTED ? value : value.substring(0, MAX_QUOTED - 3) + "...";
    return "'" + oneLine(shown) + "'";
  }

  /** Where a node starts, in words. */
  static String position(Node node) {
    return node.getStartMark()
        .map(mark -> "line " + (mark.getLine() + 1) + ", column " + (mark.getColumn() + 1))
        .orElse("an unknown position");
  }

  /** The known key nearest to {@code key}, if it is near enough to be a likely typo. */
  static String closest(String key, List<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int distance = EditDistance.between(key.toLowerCase(Locale.ROOT), candidate);
      int allowed = Math.max(1, Math.min(2, candidate.length() / 3));
      if (distance <= allowed && distance < bestDistance) {
        best = candidate;
        bestDistance = distance;
      }
    }
    return best;
  }
}
