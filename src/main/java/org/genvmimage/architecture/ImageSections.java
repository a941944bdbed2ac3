package org.genvmimage.architecture;

import static org.genvmimage.architecture.NodeText.quote;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.genvmimage.architecture.ArchitectureValidator.Field;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.Node;
import org.snakeyaml.engine.v2.nodes.SequenceNode;

/**
 * The parts of an image that say where it comes from and where it goes: {@code get_url} (one URL or
 * a mirror list), the newer form's {@code input} (a {@code url} or a local {@code path}, its {@code
 * format} and {@code checksum}). Problems are reported through the {@link ArchitectureValidator}
 * that owns it; {@link OutputSection} reads where the image goes.
 */
final class ImageSections {
  /** The base image formats {@code input.format} may name ({@code qemu-img}'s names). */
  static final List<String> INPUT_FORMATS =
      List.of(
          "raw",
          "qcow2",
          "qcow",
          "vmdk",
          "vdi",
          "vhdx",
          "vpc",
          "qed",
          "parallels",
          "dmg",
          "cloop",
          "bochs",
          "luks");

  private static final List<String> INPUT_KEYS = List.of("url", "path", "format", "checksum");
  private static final String INPUT_EXPECTED =
      "a mapping with 'url' or 'path', and optional 'format' and 'checksum'";
  private static final String URL_EXPECTED = "an http(s) URL, or a list of them (mirrors)";
  private static final String PATH_EXPECTED =
      "a local file, absolute or relative to the architecture file";

  /** Where the base image comes from and how it is checked; empty sources for a blank disk. */
  record Input(List<URI> sources, ChecksumSpec checksum, String format) {}

  private final ArchitectureValidator validator;

  ImageSections(ArchitectureValidator validator) {
    this.validator = validator;
  }

  /**
   * The URLs of {@code field}: one location, or a list of http(s) URLs tried in order (mirrors).
   * Null after reporting a problem.
   */
  List<URI> sources(Field field) {
    if (field == null) {
      return null;
    }
    if (!(field.value() instanceof SequenceNode list)) {
      URI one = validator.location(field);
      return one == null ? null : List.of(one);
    }
    if (list.getValue().isEmpty()) {
      validator.problem(field.at(), field.path(), "no URLs (expected " + URL_EXPECTED + ")");
      return null;
    }
    List<URI> urls = new ArrayList<>();
    boolean ok = true;
    int index = 0;
    for (Node item : list.getValue()) {
      Field each = new Field(field.path() + "[" + index++ + "]", item, item, URL_EXPECTED);
      URI url = validator.location(each);
      if (url == null) {
        ok = false;
      } else if (ImageSpec.isLocal(url)) {
        validator.problem(
            each.at(),
            each.path(),
            quote(url.toString())
                + " is a local file (expected http(s) URLs in a mirror list; a local file is"
                + " given alone)");
        ok = false;
      } else if (urls.contains(url)) {
        validator.problem(each.at(), each.path(), quote(url.toString()) + " is listed twice");
        ok = false;
      } else {
        urls.add(url);
      }
    }
    return ok ? urls : null;
  }

  /** The seed form's source and checksum, checked together; null after reporting a problem. */
  Input seedInput(Field getUrl, List<URI> sources, ChecksumSpec checksum) {
    if (sources == null || checksum == null || !namesLookedUp(getUrl, sources, checksum)) {
      return null;
    }
    return new Input(sources, checksum, null);
  }

  /** Reports {@code second} when {@code first} is given too. */
  void notBoth(Map<String, Field> fields, String first, String second, String hint) {
    Field other = fields.get(second);
    if (fields.containsKey(first) && other != null) {
      validator.problem(
          other.key(),
          other.path(),
          "'" + first + "' and '" + second + "' both given (expected one: " + hint + ")");
    }
  }

  /** The newer form's {@code input}; without one, a blank disk. Null after reporting a problem. */
  Input input(Field field) {
    if (field == null) {
      return new Input(List.of(), null, null);
    }
    MappingNode mapping = validator.mapping(field.expecting(INPUT_EXPECTED));
    if (mapping == null) {
      return null;
    }
    Map<String, Field> fields = validator.fields(mapping, field.path(), INPUT_KEYS);
    Field url = fields.get("url");
    Field path = fields.get("path");
    if (url != null && path != null) {
      notBoth(fields, "url", "path", "'url' to download the image, 'path' for a local file");
      return null;
    }
    if (url == null && path == null) {
      validator.problem(
          field.key(),
          field.path(),
          "expected 'url' or 'path' (leave 'input' out for a new blank disk)");
      return null;
    }
    List<URI> sources = url != null ? sources(url.expecting(URL_EXPECTED)) : localPath(path);
    Field formatField = fields.get("format");
    String format = formatField == null ? null : inputFormat(formatField);
    Field checksumField = fields.get("checksum");
    ChecksumSpec checksum =
        checksumField == null
            ? null
            : validator.checksum(checksumField.expecting(ArchitectureValidator.CHECKSUM_EXPECTED));
    boolean ok = sources != null && (formatField == null || format != null);
    if (checksumField == null) {
      if (sources != null && !ImageSpec.isLocal(sources.get(0))) {
        validator.warning(
            url.key(),
            url.path() + " has no checksum: the download is not verified (give input.checksum)");
      }
    } else if (checksum == null
        || (sources != null && !namesLookedUp(url != null ? url : path, sources, checksum))) {
      ok = false;
    }
    return ok ? new Input(sources, checksum, format) : null;
  }

  private List<URI> localPath(Field field) {
    Field path = field.expecting(PATH_EXPECTED);
    String text = validator.text(path);
    if (text == null) {
      return null;
    }
    String lower = text.strip().toLowerCase(Locale.ROOT);
    if (lower.startsWith("http:") || lower.startsWith("https:")) {
      validator.problem(
          path.at(),
          path.path(),
          quote(text.strip()) + " is a URL (expected " + PATH_EXPECTED + "; use 'url' for a URL)");
      return null;
    }
    URI uri = validator.location(path);
    return uri == null ? null : List.of(uri);
  }

  private String inputFormat(Field field) {
    String text = validator.text(field.expecting("a disk image format, e.g. 'qcow2'"));
    if (text == null) {
      return null;
    }
    String format = text.strip().toLowerCase(Locale.ROOT);
    if (INPUT_FORMATS.contains(format)) {
      return format;
    }
    String closest = NodeText.closest(format, INPUT_FORMATS);
    validator.problem(
        field.at(),
        field.path(),
        "unknown image format "
            + quote(text.strip())
            + (closest != null
                ? "; did you mean '" + closest + "'?"
                : " (expected one of: " + String.join(", ", INPUT_FORMATS) + ")"));
    return null;
  }

  /** Whether a sums file can look the image up: every source's path ends in a file name. */
  private boolean namesLookedUp(Field field, List<URI> sources, ChecksumSpec checksum) {
    if (!checksum.isSumsFile()) {
      return true;
    }
    for (URI source : sources) {
      if (ImageSpec.lastSegment(source).isEmpty()) {
        validator.problem(
            field.at(),
            field.path(),
            quote(source.toString())
                + " has no file name to look up in the sums file (expected a URL or path that ends"
                + " in the image's file name)");
        return false;
      }
    }
    return true;
  }
}
