package org.genvmimage.architecture;

import static org.genvmimage.architecture.NodeText.closest;
import static org.genvmimage.architecture.NodeText.describe;
import static org.genvmimage.architecture.NodeText.position;
import static org.genvmimage.architecture.NodeText.quote;
import static org.genvmimage.core.Messages.oneLine;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.ScalarNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Checks a composed YAML node tree against the architecture schema, collecting every problem with
 * its position, and builds the {@link Architecture} only when there is none.
 *
 * <p>It descends only along known keys, so shared (aliased) or recursive nodes cost nothing.
 */
final class ArchitectureValidator {
  private static final List<String> ROOT_KEYS = List.of("owner", "images");
  private static final List<String> IMAGE_KEYS =
      Stream.of(
              List.of("name", "version", "get_url", "checksum", "size"),
              OutputSection.SHARED_KEYS,
              List.of("input", "output", "extra_kwargs"))
          .flatMap(List::stream)
          .toList();
  private static final List<String> CHECKSUM_KEYS =
      List.of("type", "value", "signature", "signed_by");
  private static final String ROOT_EXPECTED = "a mapping with keys 'owner' and 'images'";
  private static final String IMAGES_EXPECTED = "a mapping of image keys to images";
  private static final String IMAGE_EXPECTED =
      "a mapping with keys 'name', 'version', 'get_url', 'checksum' and 'size', or 'name', 'size'"
          + " and 'input'";
  static final String CHECKSUM_EXPECTED = "a mapping with keys 'type' and 'value'";
  private static final String SIZE_EXPECTED = "a disk size, e.g. '10G'";
  private static final int MAX_QUOTED = NodeText.MAX_QUOTED;
  private static final int SECTOR_BYTES = 512;

  private final String label;
  private final Path baseDir;
  private final List<Problem> problems = new ArrayList<>();
  private final Map<String, String> warnings = new LinkedHashMap<>();
  private String imageKey;
  private final ImageSections sections = new ImageSections(this);
  private final CreateOptionsSection creates = new CreateOptionsSection(this);
  private final OutputSection outputs = new OutputSection(this);

  private record Problem(int line, int column, String text) {}

  /**
   * A value in the file with its key path and what is expected of it. Problems with the value are
   * reported at the value, or at its key when the value is an alias to a node defined earlier.
   */
  record Field(String path, Node key, Node value, String expected) {
    Node at() {
      return index(value) < index(key) ? key : value;
    }

    Field expecting(String description) {
      return new Field(path, key, value, description);
    }

    private static int index(Node node) {
      return node.getStartMark().map(Mark::getIndex).orElse(0);
    }
  }

  /**
   * @param label the file name to put in front of every problem
   * @param baseDir the absolute folder that relative paths are resolved against
   */
  ArchitectureValidator(String label, Path baseDir) {
    this.label = label;
    this.baseDir = baseDir;
  }

  Path baseDir() {
    return baseDir;
  }

  /** The architecture that {@code root} describes; or every problem, thrown at once. */
  Architecture validate(Path file, Node root) {
    Field document = new Field("", root, root, ROOT_EXPECTED);
    String owner = null;
    Map<String, ImageSpec> images = null;
    MappingNode mapping = mapping(document);
    if (mapping != null) {
      Map<String, Field> fields = fields(mapping, "", ROOT_KEYS);
      owner = text(required(fields, "owner", document, "the owner of the images"));
      images = images(required(fields, "images", document, IMAGES_EXPECTED));
    }
    if (!problems.isEmpty()) {
      throw new ArchitectureException(
          problems.stream()
              .sorted(Comparator.comparingInt(Problem::line).thenComparingInt(Problem::column))
              .map(Problem::text)
              .toList());
    }
    return new Architecture(file, owner, images, warnings);
  }

  private Map<String, ImageSpec> images(Field field) {
    MappingNode mapping = field == null ? null : mapping(field);
    if (mapping == null) {
      return null;
    }
    if (mapping.getValue().isEmpty()) {
      problem(field.at(), field.path(), "no images (expected at least one image)");
      return null;
    }
    Map<String, ImageSpec> images = new LinkedHashMap<>();
    fields(mapping, field.path(), null)
        .forEach(
            (key, image) -> {
              if (!ImageSpec.KEY.matcher(key).matches()) {
                problem(
                    image.key(),
                    field.path(),
                    "image key "
                        + quote(key)
                        + " is not a safe file name (expected "
                        + ImageSpec.KEY_RULE
                        + "; the image is written to '<key>.qcow2')");
              }
              ImageSpec spec = image(key, image);
              if (spec != null) {
                images.put(key, spec);
              }
            });
    return images;
  }

  /**
   * One image, in either form: the seed's ({@code get_url} and {@code checksum}) or the newer one
   * ({@code input}, optional: without it, a blank disk); both take {@code format}, {@code
   * subformat}, {@code compression} and {@code output}.
   */
  private ImageSpec image(String key, Field image) {
    imageKey = key;
    MappingNode mapping = mapping(image.expecting(IMAGE_EXPECTED));
    if (mapping == null) {
      return null;
    }
    Map<String, Field> fields = fields(mapping, image.path(), IMAGE_KEYS);
    String name = text(required(fields, "name", image, "the image name"));
    boolean seedForm = fields.containsKey("get_url");
    String version;
    if (seedForm) {
      version = text(required(fields, "version", image, "the image version, e.g. '9.3'"));
    } else {
      Field given = fields.get("version");
      version = given == null ? null : text(given.expecting("the image version, e.g. '9.3'"));
    }
    ImageSections.Input input;
    if (seedForm) {
      Field getUrl = required(fields, "get_url", image, Locations.KINDS);
      List<URI> sources = sections.sources(getUrl);
      ChecksumSpec checksum = checksum(required(fields, "checksum", image, CHECKSUM_EXPECTED));
      sections.notBoth(fields, "get_url", "input", "give get_url with checksum, or input");
      input = sections.seedInput(getUrl, sources, checksum);
    } else {
      Field stray = fields.get("checksum");
      if (stray != null) {
        problem(
            stray.key(),
            stray.path(),
            "a checksum without get_url (expected it under 'input', beside input.url or"
                + " input.path)");
      }
      input = sections.input(fields.get("input"));
    }
    DiskSize size = size(required(fields, "size", image, SIZE_EXPECTED));
    OutputSection.Output output = outputs.output(fields);
    CreateOptionsSection.Result create =
        creates.read(
            fields.get("extra_kwargs"),
            !seedForm && !fields.containsKey("input"),
            output == null ? null : output.format());
    if (!create.ok()
        || name == null
        || (seedForm && version == null)
        || input == null
        || size == null
        || output == null
        || !ImageSpec.KEY.matcher(key).matches()) {
      return null;
    }
    return new ImageSpec(
        key,
        name,
        version,
        input.sources(),
        input.checksum(),
        size,
        input.format(),
        output.path(),
        output.format(),
        output.subformat(),
        output.compression(),
        create.options());
  }

  ChecksumSpec checksum(Field checksum) {
    MappingNode mapping = checksum == null ? null : mapping(checksum);
    if (mapping == null) {
      return null;
    }
    Map<String, Field> fields = fields(mapping, checksum.path(), CHECKSUM_KEYS);
    Field typeField = required(fields, "type", checksum, "a checksum type, e.g. 'sha256'");
    String type = text(typeField);
    if (type != null) {
      try {
        type = ChecksumValues.type(type);
      } catch (IllegalArgumentException e) {
        problem(typeField.at(), typeField.path(), e.getMessage());
        type = null;
      }
    }
    Field valueField = required(fields, "value", checksum, ChecksumValues.VALUE_EXPECTED);
    String value = text(valueField);
    if (value == null) {
      return null;
    }
    ChecksumSpec spec;
    try {
      spec = ChecksumValues.spec(type, value, baseDir);
    } catch (IllegalArgumentException e) {
      problem(valueField.at(), valueField.path(), e.getMessage());
      return null;
    }
    Field signature = fields.get("signature");
    Field signedBy = fields.get("signed_by");
    if (signedBy == null && signature != null) {
      problem(signature.key(), signature.path(), ChecksumSigning.SIGNATURE_WITHOUT_KEYS);
      return null;
    }
    return ChecksumSigning.signed(this, spec, signature, signedBy);
  }

  private DiskSize size(Field field) {
    String text = text(field);
    if (text == null) {
      return null;
    }
    DiskSize size;
    try {
      size = DiskSize.parse(text);
    } catch (IllegalArgumentException e) {
      problem(field.at(), field.path(), e.getMessage());
      return null;
    }
    long remainder = size.bytes() % SECTOR_BYTES;
    if (remainder != 0) {
      long up = size.bytes() + (SECTOR_BYTES - remainder);
      DiskSize suggestion = new DiskSize(up > 0 ? up : size.bytes() - remainder);
      problem(
          field.at(),
          field.path(),
          "disk size "
              + quote(text.strip())
              + " is "
              + size.bytes()
              + " bytes, not a whole number of 512-byte sectors (expected e.g. '"
              + suggestion
              + "')");
      return null;
    }
    return size;
  }

  URI location(Field field) {
    String text = text(field);
    if (text == null) {
      return null;
    }
    try {
      return Locations.resolve(text, baseDir);
    } catch (IllegalArgumentException e) {
      problem(field.at(), field.path(), e.getMessage());
      return null;
    }
  }

  /**
   * The entries of {@code mapping} by key, in order; reports keys that are not strings, duplicate
   * keys, and (unless {@code known} is null) unknown keys, which it leaves out.
   */
  Map<String, Field> fields(MappingNode mapping, String path, List<String> known) {
    Map<String, Field> fields = new LinkedHashMap<>();
    Map<String, Node> seen = new LinkedHashMap<>();
    for (NodeTuple entry : mapping.getValue()) {
      Node keyNode = entry.getKeyNode();
      if (!(keyNode instanceof ScalarNode)) {
        problem(keyNode, path, "expected a string as key, found " + describe(keyNode));
        continue;
      }
      String key = ((ScalarNode) keyNode).getValue();
      String keyPath = join(path, key);
      Node first = seen.putIfAbsent(key, keyNode);
      if (first != null) {
        problem(
            keyNode,
            keyPath,
            "duplicate key (first defined at " + position(first) + "); remove or rename one");
      } else if (known != null && !known.contains(key)) {
        String closest = closest(key, known);
        problem(
            keyNode,
            keyPath,
            closest != null
                ? "unknown key; did you mean '" + closest + "'?"
                : "unknown key (expected one of: " + String.join(", ", known) + ")");
      } else {
        fields.put(key, new Field(keyPath, keyNode, entry.getValueNode(), null));
      }
    }
    return fields;
  }

  /** The field {@code key} of {@code parent}; when absent, reports it at the parent's key. */
  Field required(Map<String, Field> fields, String key, Field parent, String expected) {
    Field field = fields.get(key);
    if (field == null) {
      problem(
          parent.key(),
          join(parent.path(), key),
          "required key is missing (expected " + expected + ")");
      return null;
    }
    return field.expecting(expected);
  }

  /** The text of a scalar as written (never a converted number), or null after reporting. */
  String text(Field field) {
    if (field == null) {
      return null;
    }
    Node node = field.value();
    if (!(node instanceof ScalarNode)) {
      problem(
          field.at(),
          field.path(),
          "expected a string (" + field.expected() + "), found " + describe(node));
      return null;
    }
    if (isNull(node) || ((ScalarNode) node).getValue().isBlank()) {
      problem(field.at(), field.path(), "no value (expected " + field.expected() + ")");
      return null;
    }
    return ((ScalarNode) node).getValue();
  }

  MappingNode mapping(Field field) {
    Node node = field.value();
    if (node instanceof MappingNode) {
      return (MappingNode) node;
    }
    if (isNull(node)) {
      problem(field.at(), field.path(), "no value (expected " + field.expected() + ")");
    } else {
      problem(
          field.at(), field.path(), "expected " + field.expected() + ", found " + describe(node));
    }
    return null;
  }

  private static boolean isNull(Node node) {
    return node instanceof ScalarNode
        && ((ScalarNode) node).isPlain()
        && (node.getTag().equals(Tag.NULL) || ((ScalarNode) node).getValue().equals("~"));
  }

  /** The path to a key; a key too long to show is shortened. */
  private static String join(String path, String key) {
    String shown = key.length() <= MAX_QUOTED ? key : key.substring(0, MAX_QUOTED - 3) + "...";
    return path.isEmpty() ? shown : path + "." + shown;
  }

  /** How many problems were found so far. */
  int problemCount() {
    return problems.size();
  }

  void problem(Node node, String path, String message) {
    Mark mark = node.getStartMark().orElse(null);
    int line = mark == null ? 0 : mark.getLine() + 1;
    int column = mark == null ? 0 : mark.getColumn() + 1;
    String where = mark == null ? label : label + ":" + line + ":" + column;
    String what = path.isEmpty() ? message : path + ": " + message;
    problems.add(new Problem(line, column, where + ": " + oneLine(what)));
  }

  /**
   * Notes something the file may say but that is said back on every run, as {@code file:line: path
   * message}.
   */
  void warning(Node node, String what) {
    int line = node.getStartMark().map(mark -> mark.getLine() + 1).orElse(0);
    warnings.put(imageKey, label + (line > 0 ? ":" + line : "") + ": " + oneLine(what));
  }
}
