package org.genvmimage.cli.manual;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.genvmimage.cli.Cli;
import org.genvmimage.cli.ConfigureVmImageCommand;
import org.genvmimage.cli.GenVmImageCommand;
import org.genvmimage.cli.VersionProvider;
import org.genvmimage.core.Folders;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * Writes the man pages and shell completion scripts of both commands, from their picocli model,
 * into a build folder: {@code man/man1/<command>.1} (one page per command and subcommand), {@code
 * completion/bash/<command>} and {@code completion/zsh/_<command>}. The build runs it after
 * compiling; {@code make install} installs what it wrote.
 */
public final class GenerateDocs {
  private GenerateDocs() {}

  /** The command lines that are documented, as the launchers run them. */
  public static List<CommandLine> commands() {
    PrintWriter none = new PrintWriter(Writer.nullWriter());
    return List.of(
        Cli.commandLine(new GenVmImageCommand(), none, none),
        Cli.commandLine(new ConfigureVmImageCommand(), none, none));
  }

  /** Every file to write, by its path relative to the output folder, in a stable order. */
  public static Map<String, String> files(List<CommandLine> commands, String version) {
    Map<String, String> files = new LinkedHashMap<>();
    for (CommandLine command : commands) {
      for (CommandSpec spec : ManPage.documented(command.getCommandSpec())) {
        files.put(
            "man/man1/" + ManPage.fileName(spec),
            ManPage.render(spec, CommandDocs.forCommand(spec.qualifiedName()), version));
      }
      String name = command.getCommandName();
      files.put("completion/bash/" + name, Completion.bash(command));
      files.put("completion/zsh/_" + name, Completion.zsh(command));
    }
    return files;
  }

  /** {@code GenerateDocs OUTPUT_DIR}: writes {@link #files} under OUTPUT_DIR. */
  public static void main(String[] args) throws IOException {
    if (args.length != 1) {
      throw new IllegalArgumentException("usage: GenerateDocs OUTPUT_DIR");
    }
    Path dir = Path.of(args[0]);
    for (Map.Entry<String, String> f : files(commands(), VersionProvider.version()).entrySet()) {
      Path file = dir.resolve(f.getKey());
      Files.createDirectories(Folders.of(file));
      Files.writeString(file, f.getValue(), StandardCharsets.UTF_8);
    }
  }
}
