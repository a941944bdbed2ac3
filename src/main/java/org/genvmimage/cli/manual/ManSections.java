package org.genvmimage.cli.manual;

import java.util.List;

/**
 * The parts of a man page that the picocli model does not hold: a one-line summary for NAME, and
 * the ENVIRONMENT, FILES, EXAMPLES and SEE ALSO sections.
 *
 * @param summary the NAME line after the dash, or null to take the command's header or the first
 *     sentence of its description
 * @param environment variables the command reads
 * @param files files and folders it reads or writes
 * @param examples example command lines, each with what it does
 * @param seeAlso other pages, as {@code name(section)}
 */
public record ManSections(
    String summary,
    List<Entry> environment,
    List<Entry> files,
    List<Example> examples,
    List<String> seeAlso) {

  public ManSections {
    environment = List.copyOf(environment);
    files = List.copyOf(files);
    examples = List.copyOf(examples);
    seeAlso = List.copyOf(seeAlso);
  }

  /** Nothing beyond the model. */
  public static final ManSections NONE =
      new ManSections(null, List.of(), List.of(), List.of(), List.of());

  /** A term (a variable, a path) and what it means. */
  public record Entry(String term, String text) {}

  /** What an example does, and its command line (lines end with " \\" to go on, as in a shell). */
  public record Example(String text, String command) {}
}
