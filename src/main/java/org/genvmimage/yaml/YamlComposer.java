package org.genvmimage.yaml;

import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.genvmimage.core.Messages;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.composer.Composer;
import org.snakeyaml.engine.v2.events.AliasEvent;
import org.snakeyaml.engine.v2.events.Event;
import org.snakeyaml.engine.v2.events.NodeEvent;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.ReaderException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.parser.Parser;
import org.snakeyaml.engine.v2.parser.ParserImpl;
import org.snakeyaml.engine.v2.scanner.StreamReader;

/**
 * Composes the one YAML document of a text into nodes, with their marks, within limits that a
 * broken or hostile file cannot get past.
 *
 * <p>snakeyaml-engine's composer calls itself for every nested list and mapping and has no depth
 * limit of its own: a file of 10,000 {@code [} ends the thread's stack. Here the parser's events
 * are counted as the composer takes them, so the file is refused at the first list or mapping
 * nested deeper than {@value #MAX_DEPTH}, before the composer goes down, and at the first alias
 * past {@value #MAX_ALIASES} aliases to lists and mappings (a "billion laughs" file), each with its
 * position. The text must hold one document (or none). Every problem is a {@link
 * YamlSyntaxException} with one line, {@code file:line:column: problem; what to do}.
 */
public final class YamlComposer {
  /** The deepest nesting of lists and mappings. */
  public static final int MAX_DEPTH = 100;

  /** The most aliases to lists and mappings (snakeyaml-engine's default). */
  public static final int MAX_ALIASES = 50;

  private YamlComposer() {}

  /**
   * The root node of the one document in {@code text}, or empty when the text holds no document
   * (nothing, or only comments).
   *
   * @param label the file name, put in front of every message
   * @param maxCodePoints the longest text the reader accepts
   * @throws YamlSyntaxException when the text is not well-formed YAML or is beyond a limit
   */
  public static Optional<Node> compose(String label, String text, int maxCodePoints) {
    LoadSettings settings =
        LoadSettings.builder()
            .setLabel(label)
            .setCodePointLimit(maxCodePoints)
            .setMaxAliasesForCollections(MAX_ALIASES)
            .setAllowRecursiveKeys(false)
            .build();
    Guard guard = new Guard(label, new ParserImpl(settings, new StreamReader(settings, text)));
    try {
      return new Composer(settings, guard).getSingleNode();
    } catch (MarkedYamlEngineException e) {
      throw new YamlSyntaxException(YamlMessages.describe(label, e, text), e);
    } catch (ReaderException e) {
      throw new YamlSyntaxException(
          label
              + ":"
              + YamlMessages.position(text, e.getPosition())
              + ": "
              + e.getMessage()
              + String.format(
                  " (U+%04X); remove it, or write it as an escape in a double-quoted string",
                  e.getCodePoint()),
          e);
    } catch (YamlEngineException e) {
      // the few errors without a mark (a recursive key, the code point limit): where the
      // parser had got to
      throw new YamlSyntaxException(
          label + ":" + guard.position() + ": " + Messages.oneLine(e.getMessage()), e);
    }
  }

  /** The parser's events as the composer takes them, counted against the limits. */
  private static final class Guard implements Parser {
    private final String label;
    private final Parser parser;

    /** Anchor names, and whether the node they name is a list or a mapping. */
    private final Map<String, Boolean> anchors = new HashMap<>();

    private int depth;
    private int aliases;
    private Mark last;

    Guard(String label, Parser parser) {
      this.label = label;
      this.parser = parser;
    }

    @Override
    public boolean checkEvent(Event.ID id) {
      return parser.checkEvent(id);
    }

    @Override
    public Event peekEvent() {
      return parser.peekEvent();
    }

    @Override
    public boolean hasNext() {
      return parser.hasNext();
    }

    @Override
    public Event next() {
      Event event = parser.next();
      event.getStartMark().ifPresent(mark -> last = mark);
      switch (event.getEventId()) {
        case SequenceStart, MappingStart -> {
          if (++depth > MAX_DEPTH) {
            throw limit(
                "more than "
                    + MAX_DEPTH
                    + " lists and mappings nested in each other (a limit against files made to"
                    + " exhaust the reader); flatten the structure");
          }
          anchor(event, true);
        }
        case SequenceEnd, MappingEnd -> depth--;
        case Scalar -> anchor(event, false);
        case Alias -> {
          String name = ((AliasEvent) event).getAlias().getValue();
          if (Boolean.TRUE.equals(anchors.get(name)) && ++aliases > MAX_ALIASES) {
            throw limit(
                "more than "
                    + MAX_ALIASES
                    + " aliases to lists and mappings (a limit against 'billion laughs' files);"
                    + " write the repeated values out");
          }
        }
        default -> {
          // stream and document events
        }
      }
      return event;
    }

    private void anchor(Event event, boolean collection) {
      ((NodeEvent) event)
          .getAnchor()
          .ifPresent(anchor -> anchors.put(anchor.getValue(), collection));
    }

    private YamlSyntaxException limit(String problem) {
      return new YamlSyntaxException(label + ":" + position() + ": " + problem, null);
    }

    String position() {
      return last == null ? "1:1" : YamlMessages.position(last);
    }
  }
}
