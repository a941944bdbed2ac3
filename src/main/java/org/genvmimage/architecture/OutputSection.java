package org.genvmimage.architecture;

import static org.genvmimage.architecture.NodeText.quote;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.genvmimage.architecture.ArchitectureValidator.Field;
import org.snakeyaml.engine.v2.nodes.MappingNode;

/**
 * Where an image goes and how it is written: its {@code format}, {@code subformat} and {@code
 * compression}, given on the image or in its {@code output} mapping (beside {@code output.path}).
 * Problems are reported through the {@link ArchitectureValidator} that owns it; it remembers the
 * output paths of earlier images (two images may not share one).
 */
final class OutputSection {
  /** The output formats this version writes ({@code qemu-img}'s names; {@code vhd} means vpc). */
  static final List<String> FORMATS_WRITTEN = ImageSpec.OUTPUT_FORMATS;

  /** The keys that may be given on the image and in {@code output} alike. */
  static final List<String> SHARED_KEYS = List.of("format", "subformat", "compression");

  private static final List<String> OUTPUT_KEYS =
      List.of("path", "format", "subformat", "compression");
  private static final String OUTPUT_EXPECTED =
      "a mapping with optional 'path', 'format', 'subformat' and 'compression'";

  /**
   * Where the image goes: a null path for the {@code --image-output-path} rule; its format (qcow2
   * unless {@code format} names another), subformat (null for the format's default) and compression
   * (null for none).
   */
  record Output(Path path, String format, String subformat, String compression) {}

  private final ArchitectureValidator validator;
  private final Map<Path, Field> outputs = new HashMap<>();

  OutputSection(ArchitectureValidator validator) {
    this.validator = validator;
  }

  /**
   * The image's {@code format}, {@code subformat}, {@code compression} and {@code output} (all
   * optional), checked: a format must be one of {@link #FORMATS_WRITTEN} ({@code vhd} is read as
   * vpc), a subformat one of its {@link ImageSpec#SUBFORMATS}, a compression one of {@link
   * ImageSpec#COMPRESSIONS} on a qcow2 image; a key given on the image and in {@code output} must
   * agree, and no two images share an output path. Null after reporting a problem.
   */
  Output output(Map<String, Field> image) {
    Map<String, Field> given = new HashMap<>();
    for (String key : SHARED_KEYS) {
      if (image.get(key) != null) {
        given.put(key, image.get(key));
      }
    }
    Field output = image.get("output");
    boolean ok = true;
    Path path = null;
    Map<String, Field> inOutput = Map.of();
    if (output != null) {
      MappingNode mapping = validator.mapping(output.expecting(OUTPUT_EXPECTED));
      if (mapping == null) {
        return null;
      }
      inOutput = validator.fields(mapping, output.path(), OUTPUT_KEYS);
      Field pathField = inOutput.get("path");
      if (pathField != null) {
        path = outputPath(pathField.expecting("a file path, relative to the current folder"));
        ok = path != null;
      }
    }
    String format = ImageSpec.QCOW2;
    Field formatField = given.get("format");
    if (formatField != null) {
      format = written(formatField);
    }
    Field outputFormat = inOutput.get("format");
    if (outputFormat != null) {
      String second = written(outputFormat);
      if (formatField == null) {
        format = second;
      } else if (format != null && second != null && !format.equals(second)) {
        differs(outputFormat, second, format);
        return null;
      }
      ok &= second != null;
    }
    if (format == null) {
      return null; // reported; the subformat and compression cannot be checked against it
    }
    String subformat = same(given.get("subformat"), inOutput.get("subformat"), format, true);
    String compression = same(given.get("compression"), inOutput.get("compression"), format, false);
    boolean named = given.containsKey("subformat") || inOutput.containsKey("subformat");
    boolean compressed = given.containsKey("compression") || inOutput.containsKey("compression");
    if (!ok || (named && subformat == null) || (compressed && compression == null)) {
      return null;
    }
    return new Output(path, format, subformat, compression);
  }

  /**
   * The subformat (or compression) given on the image or in {@code output}, or both when they
   * agree; null when neither is given or after reporting a problem.
   */
  private String same(Field onImage, Field inOutput, String format, boolean subformat) {
    String first = onImage == null ? null : option(onImage, format, subformat);
    String second = inOutput == null ? null : option(inOutput, format, subformat);
    if (onImage == null) {
      return second;
    }
    if (first != null && second != null && !first.equals(second)) {
      differs(inOutput, second, first);
      return null;
    }
    return inOutput != null && second == null ? null : first;
  }

  private void differs(Field field, String value, String onImage) {
    String name = field.path().substring(field.path().lastIndexOf('.') + 1);
    validator.problem(
        field.at(),
        field.path(),
        quote(value) + " differs from the image's " + name + " " + quote(onImage));
  }

  private String option(Field field, String format, boolean subformat) {
    return subformat ? subformat(field, format) : compression(field, format);
  }

  /** A subformat of {@code format}, as qemu-img spells it; null after reporting another. */
  private String subformat(Field field, String format) {
    List<String> choices = ImageSpec.SUBFORMATS.get(format);
    String text = validator.text(field.expecting("a subformat, e.g. 'streamOptimized' for vmdk"));
    if (text == null) {
      return null;
    }
    String wanted = text.strip();
    if (choices == null) {
      validator.problem(
          field.at(),
          field.path(),
          "a "
              + format
              + " image has no subformat (subformats: "
              + subformatList()
              + (ImageSpec.QCOW2.equals(format) ? "; a qcow2 image takes compression" : "")
              + ")");
      return null;
    }
    for (String choice : choices) {
      if (choice.equalsIgnoreCase(wanted)) {
        return choice;
      }
    }
    String closest = NodeText.closest(wanted, choices);
    validator.problem(
        field.at(),
        field.path(),
        "subformat "
            + quote(wanted)
            + (closest != null ? " is unknown; did you mean '" + closest + "'?" : " is unknown")
            + " (a "
            + format
            + " image is written as: "
            + String.join(", ", choices)
            + ")");
    return null;
  }

  private static String subformatList() {
    return String.join(
        "; ",
        FORMATS_WRITTEN.stream()
            .filter(ImageSpec.SUBFORMATS::containsKey)
            .map(f -> f + ": " + String.join(", ", ImageSpec.SUBFORMATS.get(f)))
            .toList());
  }

  /** A compression of a qcow2 image, in lower case; null after reporting another. */
  private String compression(Field field, String format) {
    String choices = String.join(", ", ImageSpec.COMPRESSIONS);
    String text = validator.text(field.expecting("a compression: " + choices));
    if (text == null) {
      return null;
    }
    String wanted = text.strip().toLowerCase(Locale.ROOT);
    if (!ImageSpec.COMPRESSIONS.contains(wanted)) {
      String closest = NodeText.closest(wanted, ImageSpec.COMPRESSIONS);
      validator.problem(
          field.at(),
          field.path(),
          "compression "
              + quote(text.strip())
              + (closest != null ? " is unknown; did you mean '" + closest + "'?" : " is unknown")
              + " (choices: "
              + choices
              + ", for a qcow2 image)");
      return null;
    }
    if (!ImageSpec.QCOW2.equals(format)) {
      validator.problem(
          field.at(),
          field.path(),
          "a "
              + format
              + " image has no compression (choices: "
              + choices
              + ", for a qcow2 image only"
              + ("vmdk".equals(format) ? "; a vmdk is compressed as subformat streamOptimized" : "")
              + ")");
      return null;
    }
    return wanted;
  }

  /** A format this version writes, in lower case; null after reporting another. */
  private String written(Field field) {
    String text = validator.text(field.expecting("an image format: " + writtenList()));
    if (text == null) {
      return null;
    }
    String format = text.strip().toLowerCase(Locale.ROOT);
    if (FORMATS_WRITTEN.contains(format)) {
      return format;
    }
    if (format.equals("vhd")) {
      return "vpc";
    }
    String closest = NodeText.closest(format, FORMATS_WRITTEN);
    validator.problem(
        field.at(),
        field.path(),
        "format "
            + quote(text.strip())
            + (closest != null && !ImageSections.INPUT_FORMATS.contains(format)
                ? " is unknown; did you mean '" + closest + "'?"
                : " is not written by this version")
            + " (it writes: "
            + writtenList()
            + ")");
    return null;
  }

  private static String writtenList() {
    return String.join(", ", FORMATS_WRITTEN) + "; vhd means vpc";
  }

  private Path outputPath(Field field) {
    String text = validator.text(field);
    if (text == null) {
      return null;
    }
    Path path;
    try {
      path = Path.of(text.strip());
    } catch (InvalidPathException e) {
      validator.problem(
          field.at(), field.path(), "invalid path " + quote(text) + ": " + e.getReason());
      return null;
    }
    if (text.strip().endsWith("/") || path.getFileName() == null) {
      validator.problem(
          field.at(),
          field.path(),
          quote(text.strip())
              + " is a folder (expected the image's file path, e.g. 'out/disk.qcow2')");
      return null;
    }
    Field first = outputs.putIfAbsent(path.toAbsolutePath().normalize(), field);
    if (first != null) {
      validator.problem(
          field.at(),
          field.path(),
          "the same output path as "
              + first.path()
              + " (at "
              + NodeText.position(first.at())
              + "); give each image its own");
      return null;
    }
    return path;
  }
}
