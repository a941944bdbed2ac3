package org.genvmimage.image;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.genvmimage.architecture.CreateOptions;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.qemu.CreateExtras;

/**
 * What a blank disk is created with beyond its format and size: its {@code extra_kwargs} ({@link
 * CreateOptions}) with the secret files they name ({@code --secret}).
 */
final class BlankDisk {
  private BlankDisk() {}

  /**
   * The extras of {@code build}'s image, {@link CreateExtras#NONE} for an image without create
   * options; fails (usage error) when a secret it names was not given.
   */
  static CreateExtras extras(ImageBuild build, BuildTools tools) {
    CreateOptions create = build.spec.create();
    if (create == null) {
      return CreateExtras.NONE;
    }
    List<CreateExtras.Secret> secrets = new ArrayList<>();
    for (String id : create.secrets()) {
      Path file = tools.secrets().get(id);
      if (file == null) {
        throw new GenVmException(
            ExitCode.USAGE,
            build.field("extra_kwargs.o")
                + " names the secret '"
                + id
                + "': give --secret "
                + id
                + "=FILE (a file that holds it)");
      }
      secrets.add(new CreateExtras.Secret(id, file));
    }
    return new CreateExtras(
        create.backingFile(),
        create.backingFormat(),
        create.options(),
        secrets,
        create.encryptionSecret());
  }

  /**
   * Fails (invalid input) when the image names a backing file that is not there: a relative one is
   * read from the image's folder, where {@code temp} is made.
   */
  static void requireBacking(ImageBuild build) {
    CreateOptions create = build.spec.create();
    if (create == null || create.backingFile() == null) {
      return;
    }
    Path folder = build.output.toAbsolutePath().getParent();
    Path backing = folder.resolve(create.backingFile()).normalize();
    if (!Files.isRegularFile(backing)) {
      throw new GenVmException(
          ExitCode.INVALID_INPUT,
          build.field("extra_kwargs.b")
              + ": the backing file "
              + backing
              + (Files.exists(backing) ? " is not a file" : " does not exist")
              + (Path.of(create.backingFile()).isAbsolute()
                  ? ""
                  : " (a relative b is read from the image's folder " + folder + ")"));
    }
  }
}
