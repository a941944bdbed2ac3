package org.genvmimage.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import org.genvmimage.core.EditDistance;

/** The valid names closest to a mistyped option or command name. */
final class Suggestions {
  private static final int MAX = 3;

  private Suggestions() {}

  /**
   * The names nearest to {@code typed} (an {@code =value} part and case are ignored): those at the
   * smallest edit distance (insert, delete, replace, swap two neighbours) if it is at most a third
   * of the typed length, else those that start with what was typed; at most three.
   */
  static List<String> closest(String typed, Collection<String> names) {
    String word = typed;
    int eq = word.indexOf('=');
    if (eq > 0) {
      word = word.substring(0, eq);
    }
    String lower = word.toLowerCase(Locale.ROOT);
    int best = Integer.MAX_VALUE;
    List<String> near = new ArrayList<>();
    List<String> extended = new ArrayList<>();
    for (String name : names) {
      String candidate = name.toLowerCase(Locale.ROOT);
      int d = distance(lower, candidate);
      if (d * 3 <= lower.length()) {
        if (d < best) {
          best = d;
          near.clear();
        }
        if (d == best && !near.contains(name)) {
          near.add(name);
        }
      } else if (lower.length() >= 4 && candidate.startsWith(lower) && !extended.contains(name)) {
        extended.add(name);
      }
    }
    List<String> found = near.isEmpty() ? extended : near;
    return found.size() > MAX ? List.copyOf(found.subList(0, MAX)) : found;
  }

  /** "a", "a or b", "a, b or c", each quoted. */
  static String alternatives(List<String> names) {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < names.size(); i++) {
      if (i > 0) {
        out.append(i == names.size() - 1 ? " or " : ", ");
      }
      out.append('\'').append(names.get(i)).append('\'');
    }
    return out.toString();
  }

  /** Optimal string alignment distance (see {@link EditDistance}). */
  static int distance(String a, String b) {
    return EditDistance.between(a, b);
  }
}
