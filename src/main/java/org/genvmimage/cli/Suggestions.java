package org.genvmimage.cli;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

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

  /** Optimal string alignment distance (Damerau-Levenshtein without repeated edits). */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        d[i][j] = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
        }
      }
    }
    return d[a.length()][b.length()];
  }
}
