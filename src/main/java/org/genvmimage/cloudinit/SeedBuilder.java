package org.genvmimage.cloudinit;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Reads and checks the files of a cloud-init NoCloud seed, before any machine boots.
 *
 * <p>{@code user-data} and {@code meta-data} are required; {@code vendor-data} and {@code
 * network-config} are optional, or required when the user named them. Every problem in every file
 * is reported together, one line each, in a {@link SeedException} (exit code 3):
 *
 * <ul>
 *   <li>a missing file: {@code cloud-init-config/user-data not found (user-data is required)};
 *   <li>user data and vendor data must be a format cloud-init acts on: {@code #cloud-config} YAML
 *       that parses to a mapping, or a script ({@code #!}), {@code #include}, {@code
 *       #cloud-boothook}, {@code #part-handler}, a Jinja template, a MIME multipart message or gzip
 *       data, which are taken as they are; vendor data may be empty;
 *   <li>meta-data must be a YAML mapping (JSON is YAML) or empty; network-config a YAML mapping;
 *   <li>YAML problems read {@code file:line:column: problem}; files must be UTF-8 and at most
 *       {@value IsoWriter#MAX_FILE_BYTES} bytes.
 * </ul>
 *
 * <p>What is legal but probably not meant is returned as {@link Seed#warnings()}: meta-data without
 * an {@code instance-id}, an empty user-data, a script with CRLF line endings.
 */
public final class SeedBuilder {
  /** The volume label that cloud-init's NoCloud data source looks for. */
  public static final String VOLUME_LABEL = "cidata";

  /** Where {@code configure-vm-image} writes the seed unless told otherwise. */
  public static final Path DEFAULT_OUTPUT = Path.of("image-config", "seed.img");

  private record Source(Path path, boolean required) {}

  private final Map<String, Source> sources = new LinkedHashMap<>();

  /** The user-data file (required). */
  public SeedBuilder userData(Path file) {
    return add("user-data", file, true);
  }

  /** The meta-data file (required). */
  public SeedBuilder metaData(Path file) {
    return add("meta-data", file, true);
  }

  /**
   * The vendor-data file; when not {@code required} (a default path that the user did not name), a
   * missing file is left out of the seed.
   */
  public SeedBuilder vendorData(Path file, boolean required) {
    return add("vendor-data", file, required);
  }

  /** The network-config file; when not {@code required}, a missing file is left out. */
  public SeedBuilder networkConfig(Path file, boolean required) {
    return add("network-config", file, required);
  }

  private SeedBuilder add(String name, Path file, boolean required) {
    sources.put(name, new Source(Objects.requireNonNull(file, name), required));
    return this;
  }

  /**
   * Reads and checks every file.
   *
   * @throws SeedException listing every problem in every file
   * @throws IllegalStateException when user-data or meta-data was not given
   */
  public Seed build() {
    for (String name : List.of("user-data", "meta-data")) {
      if (!sources.containsKey(name)) {
        throw new IllegalStateException(name + " was not given");
      }
    }
    List<String> problems = new ArrayList<>();
    List<String> warnings = new ArrayList<>();
    List<SeedFile> files = new ArrayList<>();
    for (Map.Entry<String, Source> entry : sources.entrySet()) {
      String name = entry.getKey();
      Source source = entry.getValue();
      byte[] bytes = read(name, source, problems);
      if (bytes == null) {
        continue;
      }
      SeedFormats formats = new SeedFormats(source.path().toString(), problems, warnings);
      String format =
          switch (name) {
            case "user-data" -> formats.userData(bytes, false);
            case "vendor-data" -> formats.userData(bytes, true);
            case "meta-data" -> formats.metaData(bytes);
            default -> formats.networkConfig(bytes);
          };
      files.add(new SeedFile(name, source.path(), format, bytes));
    }
    if (!problems.isEmpty()) {
      throw new SeedException(problems);
    }
    return new Seed(VOLUME_LABEL, files, warnings);
  }

  /** The file's bytes; null when it is optional and absent, or unusable (a problem is added). */
  private static byte[] read(String name, Source source, List<String> problems) {
    Path file = source.path();
    if (Files.isDirectory(file)) {
      problems.add(file + ":1:1: is a folder (expected the cloud-init " + name + " file)");
      return null;
    }
    try (InputStream in = Files.newInputStream(file)) {
      byte[] bytes = in.readNBytes(IsoWriter.MAX_FILE_BYTES + 1);
      if (bytes.length > IsoWriter.MAX_FILE_BYTES) {
        problems.add(
            file
                + ":1:1: is larger than "
                + IsoWriter.MAX_FILE_BYTES / (1024 * 1024)
                + " MiB, the most a seed file may hold");
        return null;
      }
      return bytes;
    } catch (NoSuchFileException e) {
      if (source.required()) {
        problems.add(file + " not found (" + name + " is required)");
      }
    } catch (AccessDeniedException e) {
      problems.add(file + " cannot be read: permission denied");
    } catch (FileSystemException e) {
      problems.add(file + " cannot be read: " + (e.getReason() != null ? e.getReason() : e));
    } catch (IOException e) {
      problems.add(file + " cannot be read: " + e.getMessage());
    }
    return null;
  }
}
