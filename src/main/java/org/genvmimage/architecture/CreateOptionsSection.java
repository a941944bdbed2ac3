package org.genvmimage.architecture;

import static org.genvmimage.architecture.NodeText.quote;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.genvmimage.architecture.ArchitectureValidator.Field;
import org.snakeyaml.engine.v2.nodes.MappingNode;

/**
 * Reads an image's {@code extra_kwargs}: the upstream tool's extra {@code qemu-img create} options
 * for a new blank disk, {@code b} (backing file), {@code F} (its format) and {@code o} (create
 * options). Problems are reported through the {@link ArchitectureValidator} that owns it.
 */
final class CreateOptionsSection {
  /** The keys, each a {@code qemu-img create} flag without its dash, and what each means. */
  static final Map<String, String> KEYS =
      Map.of("b", "the backing file", "F", "the backing file's format", "o", "create options");

  private static final List<String> ORDER = List.of("b", "F", "o");
  private static final String EXPECTED =
      "a mapping with 'b' (the backing file) and 'F' (its format), and/or 'o' (qemu-img create"
          + " options)";

  /** A QEMU object id, as a secret's is. */
  static final Pattern SECRET_ID = Pattern.compile("[A-Za-z][A-Za-z0-9_.-]{0,63}");

  /** The upstream spelling of the secret option; QEMU knows it as encrypt.key-secret. */
  private static final String UPSTREAM_KEY = "encrypt.key";

  private final ArchitectureValidator validator;

  CreateOptionsSection(ArchitectureValidator validator) {
    this.validator = validator;
  }

  /**
   * The image's create options: null when {@code field} is null; {@code ok} false after reporting a
   * problem.
   *
   * @param blank whether the image is a new blank disk (no input)
   * @param format the output format, or null when it was not valid
   */
  Result read(Field field, boolean blank, String format) {
    if (field == null) {
      return new Result(null, true);
    }
    MappingNode mapping = validator.mapping(field.expecting(EXPECTED));
    if (mapping == null) {
      return new Result(null, false);
    }
    Map<String, Field> fields = validator.fields(mapping, field.path(), null);
    boolean ok = true;
    for (Field each : fields.values()) {
      String key = each.path().substring(field.path().length() + 1);
      if (!KEYS.containsKey(key)) {
        // the keys are single letters: only a letter in the other case is a likely typo
        String closest =
            ORDER.stream().filter(known -> known.equalsIgnoreCase(key)).findFirst().orElse(null);
        validator.problem(
            each.key(),
            each.path(),
            "unknown key"
                + (closest != null ? "; did you mean '" + closest + "'?" : "")
                + " (expected one of: "
                + choices()
                + ")");
        ok = false;
      }
    }
    if (!ok) {
      return new Result(null, false);
    }
    if (fields.isEmpty()) {
      validator.problem(field.at(), field.path(), "no options (expected " + EXPECTED + ")");
      return new Result(null, false);
    }
    if (!blank) {
      validator.problem(
          field.key(),
          field.path(),
          "applies to a new blank disk only (qemu-img create); an image with an input is"
              + " converted from it: leave out extra_kwargs, or input for a blank disk");
      return new Result(null, false);
    }
    String backing = text(fields.get("b"), "a backing file path, relative to the image's folder");
    String backingFormat =
        text(
            fields.get("F"),
            "the backing file's format, e.g. 'qcow2'",
            ImageSections.INPUT_FORMATS);
    String options = options(fields.get("o"));
    ok =
        (fields.get("b") == null || backing != null)
            && (fields.get("F") == null || backingFormat != null);
    ok &= fields.get("o") == null || options != null;
    if (backing != null && fields.get("F") == null) {
      validator.problem(
          field.key(),
          field.path() + ".F",
          "required with 'b' (expected the backing file's format, e.g. 'qcow2'; qemu-img will not"
              + " guess it)");
      ok = false;
    } else if (backingFormat != null && fields.get("b") == null) {
      validator.problem(
          field.key(),
          field.path() + ".b",
          "required with 'F' (expected the backing file that 'F' is the format of)");
      ok = false;
    }
    if (format != null && fields.get("b") != null && !format.equals(ImageSpec.QCOW2)) {
      problemAt(fields.get("b"), "a backing file needs the qcow2 format, not " + quote(format));
      ok = false;
    }
    if (format != null && fields.get("o") != null && !List.of("qcow2", "raw").contains(format)) {
      problemAt(
          fields.get("o"),
          "create options apply to qcow2 and raw images, which qemu-img creates directly; a "
              + format
              + " image is made by a conversion");
      ok = false;
    }
    if (!ok || (backing == null && options == null)) {
      return new Result(null, ok);
    }
    return new Result(new CreateOptions(backing, backingFormat, options), true);
  }

  /** The create options read; {@code ok} false after a problem was reported. */
  record Result(CreateOptions options, boolean ok) {}

  private void problemAt(Field field, String message) {
    validator.problem(field.at(), field.path(), message);
  }

  private String text(Field field, String expected) {
    return field == null ? null : validator.text(field.expecting(expected));
  }

  private String text(Field field, String expected, List<String> allowed) {
    String text = text(field, expected);
    if (text == null) {
      return null;
    }
    String format = text.strip();
    if (!allowed.contains(format)) {
      String closest = NodeText.closest(format, allowed);
      problemAt(
          field,
          "unknown image format "
              + quote(format)
              + (closest != null
                  ? "; did you mean '" + closest + "'?"
                  : " (expected one of: " + String.join(", ", allowed) + ")"));
      return null;
    }
    return format;
  }

  /** The {@code o} options, checked item by item; null after reporting a problem. */
  private String options(Field field) {
    String text = text(field, "qemu-img create options, e.g. 'preallocation=metadata'");
    if (text == null) {
      return null;
    }
    List<String> items = new ArrayList<>();
    boolean translated = false;
    for (String[] item : CreateOptions.items(text.strip())) {
      String key = item[0].strip();
      if (key.isEmpty() || item[1] == null) {
        problemAt(
            field,
            quote(text.strip())
                + ": "
                + (key.isEmpty() ? "an empty option" : "option " + quote(key) + " has no value")
                + " (expected key=value items separated by commas)");
        return null;
      }
      if (key.equals("backing_file") || key.equals("backing_fmt")) {
        problemAt(field, "option " + quote(key) + " is given by 'b' and 'F', not in 'o'");
        return null;
      }
      if (key.equals(UPSTREAM_KEY)) {
        key = CreateOptions.ENCRYPT_SECRET;
        translated = true;
      }
      if (key.endsWith("key-secret") && !SECRET_ID.matcher(item[1]).matches()) {
        problemAt(
            field,
            "secret id "
                + quote(item[1])
                + " is not a QEMU object id (expected a letter, then letters, digits, '_', '.' or"
                + " '-')");
        return null;
      }
      items.add(key + "=" + item[1].replace(",", ",,"));
    }
    if (translated) {
      validator.warning(
          field.at(),
          field.path()
              + ": 'encrypt.key' is read as QEMU's 'encrypt.key-secret' (the id of a --secret)");
    }
    return String.join(",", items);
  }

  private static String choices() {
    List<String> choices = new ArrayList<>();
    for (String key : ORDER) {
      choices.add(key + " (" + KEYS.get(key) + ")");
    }
    return String.join(", ", choices);
  }
}
