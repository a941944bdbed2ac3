package org.genvmimage.cli.manual;

import java.util.List;

/**
 * The parts of a man page that the picocli model does not hold: a one-line summary for NAME,
 * sections of their own (after OPTIONS), the EXIT STATUS table, and the ENVIRONMENT, FILES,
 * EXAMPLES and SEE ALSO sections.
 *
 * @param summary the NAME line after the dash, or null to take the command's header or the first
 *     sentence of its description
 * @param sections sections of the command's own, such as ARCHITECTURE FILE, after OPTIONS
 * @param exitStatus the exit codes and their meanings; empty to take the model's exit code list
 * @param environment variables the command reads
 * @param files files and folders it reads or writes
 * @param examples example command lines, each with what it does
 * @param seeAlso other pages, as {@code name(section)}
 */
public record ManSections(
    String summary,
    List<Section> sections,
    List<Entry> exitStatus,
    List<Entry> environment,
    List<Entry> files,
    List<Example> examples,
    List<String> seeAlso) {

  public ManSections {
    sections = List.copyOf(sections);
    exitStatus = List.copyOf(exitStatus);
    environment = List.copyOf(environment);
    files = List.copyOf(files);
    examples = List.copyOf(examples);
    seeAlso = List.copyOf(seeAlso);
  }

  /** Nothing beyond the model. */
  public static final ManSections NONE =
      new ManSections(null, List.of(), List.of(), List.of(), List.of(), List.of(), List.of());

  /** A term (a variable, a path) and what it means. */
  public record Entry(String term, String text) {}

  /** What an example does, and its command line (lines end with " \\" to go on, as in a shell). */
  public record Example(String text, String command) {}

  /** A section of its own: a heading (upper case, as man pages have them) and its parts. */
  public record Section(String heading, List<Part> parts) {
    public Section {
      parts = List.copyOf(parts);
    }
  }

  /** A part of a {@link Section}. */
  public sealed interface Part permits Text, Literal, Terms {}

  /** A paragraph of plain text. */
  public record Text(String text) implements Part {}

  /** Lines shown as written, in a fixed-width font (a file's content, a command). */
  public record Literal(String text) implements Part {}

  /** A list of terms, each with what it means. */
  public record Terms(List<Entry> entries) implements Part {
    public Terms {
      entries = List.copyOf(entries);
    }
  }
}
