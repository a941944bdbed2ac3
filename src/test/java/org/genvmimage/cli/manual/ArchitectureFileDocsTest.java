package org.genvmimage.cli.manual;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.genvmimage.architecture.ArchitectureLoader;
import org.genvmimage.download.Checksums;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README and gen-vm-image(1) describe the architecture file alike, and as the code reads it.
 */
class ArchitectureFileDocsTest {
  @Test
  void theReadmeShowsTheSameStructure() throws Exception {
    String indented = ("\n" + ArchitectureFileDocs.STRUCTURE).replace("\n", "\n    ");
    assertThat(Files.readString(Path.of("README.rst"))).contains(indented + "\n");
  }

  @Test
  void theReadmeShowsTheSameInputForm() throws Exception {
    String indented = ("\n" + ArchitectureFileDocs.INPUT_STRUCTURE).replace("\n", "\n    ");
    assertThat(Files.readString(Path.of("README.rst"))).contains(indented + "\n");
  }

  @Test
  void theInputFormExampleIsAValidArchitectureFile() throws Exception {
    var images = ArchitectureLoader.load(Path.of("examples", "architecture-input.yml")).images();
    assertThat(images.get("rocky-9").sources()).hasSize(2);
    assertThat(images.get("scratch").blank()).isTrue();
  }

  @Test
  void theReadmeListsEveryChecksumType() throws Exception {
    String readme = Files.readString(Path.of("README.rst"));
    for (String type : Checksums.supportedNames()) {
      assertThat(readme).contains("``" + type + "``");
    }
  }

  @Test
  void theManPagesExampleIsAValidArchitectureFile(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("architecture.yml"), ArchitectureFileDocs.EXAMPLE);
    Files.createDirectories(dir.resolve("keys"));
    Files.write(
        dir.resolve("keys/example.asc"),
        org.genvmimage.testing.TestKeys.generate("example").publicKey(true));
    assertThat(ArchitectureLoader.load(file).images()).hasSize(2);
    assertThat(ArchitectureLoader.load(file).images().get("debian-12").checksum().signing())
        .isNotNull();
  }

  @Test
  void theManPagesStructureIsTheReadmesWithoutComments() {
    assertThat(ArchitectureFileDocs.structureWithoutComments())
        .startsWith("owner: <string>\nimages: <key-value pair>\n    <image-key>:\n")
        .doesNotContain("#")
        .contains("\n        checksum:\n            type: <string>\n");
  }

  @Test
  void theReadmesExampleIsTheExampleFileWithoutItsComments() throws Exception {
    Path file = Path.of("examples", "architecture.yml");
    String withoutComments =
        String.join("\n", Files.readString(file).lines().filter(l -> !l.startsWith("#")).toList());
    assertThat(Files.readString(Path.of("README.rst")))
        .contains(("\n" + withoutComments).replace("\n", "\n    ") + "\n");
  }
}
