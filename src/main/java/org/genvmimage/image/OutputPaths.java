package org.genvmimage.image;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.genvmimage.architecture.Architecture;
import org.genvmimage.architecture.ImageSpec;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/**
 * Where each image goes, from {@code --image-output-path} as the user wrote it:
 *
 * <ul>
 *   <li>a folder (a path that ends with a separator, {@code newdir/}, or an existing folder): each
 *       image goes into it, as {@value #DEFAULT_FILE_NAME} for a file with one image and as {@code
 *       <key>.qcow2} for a file with several;
 *   <li>anything else is a file path: a file with one image builds it to that path; a file with
 *       several builds each to {@code <key>.qcow2} beside it.
 * </ul>
 *
 * The {@code .qcow2} of a name made here follows the image's output format ({@link #extension}):
 * {@code .raw}, {@code .vmdk}, {@code .vhdx} or {@code .vhd}; a path the user gave is kept as it
 * is.
 *
 * <p>An image with its own {@code output.path} in the architecture file goes there instead
 * (relative to the current folder); two images may not share a path (INVALID_INPUT). The rule
 * depends on the architecture file, not on --image, so an image keeps its path whichever images a
 * run selects. The build, its dry run, the JSON report and the GoCD config all take their paths
 * from here.
 */
public final class OutputPaths {
  /** The file name of the only image of an architecture file, in an output folder. */
  public static final String DEFAULT_FILE_NAME = "image.qcow2";

  /** The default {@code --image-output-path}, as written on the command line. */
  public static final String DEFAULT = "generated-images/" + DEFAULT_FILE_NAME;

  private OutputPaths() {}

  /**
   * The output path of each selected image (all when {@code selected} is empty), in order.
   *
   * @param outputPath the {@code --image-output-path} as given, with any trailing separator
   * @throws GenVmException USAGE for an unknown key or an empty or invalid path
   */
  public static Map<String, Path> plan(
      Architecture architecture, List<String> selected, String outputPath) {
    return plan(architecture, selected, path(outputPath), isFolder(outputPath));
  }

  /**
   * The output path of each selected image for an output path already known to be a folder or a
   * file, whatever is on this machine's disk (the GoCD config describes a build on another one).
   */
  public static Map<String, Path> plan(
      Architecture architecture, List<String> selected, Path path, boolean folder) {
    List<String> keys = selected.isEmpty() ? List.copyOf(architecture.images().keySet()) : selected;
    Map<String, Path> all = new LinkedHashMap<>();
    Map<Path, String> taken = new HashMap<>();
    for (ImageSpec image : architecture.images().values()) {
      Path output =
          image.outputPath() != null
              ? image.outputPath()
              : ruled(architecture, image, path, folder);
      String other = taken.putIfAbsent(output.toAbsolutePath().normalize(), image.key());
      if (other != null) {
        throw new GenVmException(
            ExitCode.INVALID_INPUT,
            architecture.file()
                + ": images "
                + other
                + " and "
                + image.key()
                + " would both be written to "
                + output
                + "; give one an output.path of its own");
      }
      all.put(image.key(), output);
    }
    Map<String, Path> outputs = new LinkedHashMap<>();
    for (String key : keys) {
      if (!architecture.images().containsKey(key)) {
        throw new GenVmException(
            ExitCode.USAGE,
            "--image "
                + key
                + ": no such image in "
                + architecture.file()
                + " (it has: "
                + String.join(", ", architecture.images().keySet())
                + ")");
      }
      outputs.put(key, all.get(key));
    }
    return outputs;
  }

  /** Where the {@code --image-output-path} rule puts an image. */
  private static Path ruled(Architecture architecture, ImageSpec image, Path path, boolean folder) {
    boolean single = architecture.images().size() == 1;
    String extension = extension(image.outputFormat());
    String name = (single ? "image" : image.key()) + extension;
    if (folder) {
      return path.resolve(name);
    }
    return single ? path : path.resolveSibling(image.key() + extension);
  }

  /** The file name extension of an output format: {@code .qcow2}, {@code .vhd} for vpc, ... */
  public static String extension(String format) {
    return "." + ("vpc".equals(format) ? "vhd" : format);
  }

  /**
   * Whether an output path names a folder to write into: it ends with a separator, with {@code .}
   * or {@code ..}, or it is an existing folder (or a link to one).
   */
  public static boolean isFolder(String outputPath) {
    Path path = path(outputPath);
    Path name = path.getFileName();
    return outputPath.endsWith("/")
        || outputPath.endsWith(File.separator)
        || name == null
        || name.toString().equals(".")
        || name.toString().equals("..")
        || Files.isDirectory(path);
  }

  private static Path path(String outputPath) {
    if (outputPath.isBlank()) {
      throw new GenVmException(ExitCode.USAGE, "--image-output-path must not be empty");
    }
    try {
      return Path.of(outputPath);
    } catch (InvalidPathException e) {
      throw new GenVmException(
          ExitCode.USAGE, "--image-output-path '" + outputPath + "': " + e.getReason());
    }
  }
}
