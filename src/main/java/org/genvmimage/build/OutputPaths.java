package org.genvmimage.build;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.genvmimage.architecture.Architecture;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/**
 * Where each image goes: a file with one image builds it to the output path; a file with several
 * builds each to {@code <key>.qcow2} beside the output path. The rule depends on the file, not on
 * --image, so an image keeps its path whichever images a run selects.
 */
public final class OutputPaths {
  private OutputPaths() {}

  public static Map<String, Path> plan(
      Architecture architecture, List<String> selected, Path outputPath) {
    List<String> keys = selected.isEmpty() ? List.copyOf(architecture.images().keySet()) : selected;
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
      Path output =
          architecture.images().size() == 1
              ? outputPath
              : outputPath.resolveSibling(key + ".qcow2");
      outputs.put(key, output);
    }
    return outputs;
  }
}
