package org.genvmimage.image;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.genvmimage.core.GenVmException;
import org.genvmimage.qemu.ImageInfo;
import org.genvmimage.testing.TestImages;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link FormatStep} against a recording qemu-img. */
class FormatStepTest {
  private static final URI SOURCE = URI.create("https://example.org/base.qcow2");

  @TempDir Path dir;

  @Test
  void aVmdkOutputIsConvertedFromTheWorkFileIntoASecondFileThatReplacesIt() throws Exception {
    StepFakes.Tools fakes = new StepFakes.Tools(dir.resolve("cache"));
    ImageBuild build = StepFakes.build(SOURCE, "vmdk", dir.resolve("img.vmdk"));
    Files.write(build.temp, new byte[] {1, 2, 3});
    fakes.qemuImg.withImage(build.temp, new ImageInfo("qcow2", 16 << 20, 3, "1.1", null, false));

    new FormatStep(fakes.tools).run(build);

    Path second = dir.resolve(".img.vmdk.1234.tmp.vmdk.tmp");
    assertThat(fakes.qemuImg.calls())
        .containsExactly("convert " + build.temp + " qcow2 " + second + " vmdk");
    assertThat(second).doesNotExist();
    assertThat(Files.readAllBytes(build.temp)).containsExactly(1, 2, 3);
    assertThat(TestImages.listFiles(dir)).containsExactly(".img.vmdk.1234.tmp");
    assertThat(fakes.log.toString()).contains("img: converting to vmdk");
  }

  @Test
  void qcow2AndRawOutputsAreAlreadyInTheirFormat() throws Exception {
    for (String format : List.of("qcow2", "raw")) {
      StepFakes.Tools fakes = new StepFakes.Tools(dir.resolve("cache"));
      ImageBuild build = StepFakes.build(SOURCE, format, dir.resolve("img." + format));
      new FormatStep(fakes.tools).run(build);
      new FormatStep(fakes.tools).plan(StepFakes.planned(build));
      assertThat(fakes.qemuImg.calls()).as(format).isEmpty();
      assertThat(build.plan.commands).as(format).isEmpty();
    }
  }

  @Test
  void thePlanNotesTheConvertCommandTheRunGivesQemuImg() {
    StepFakes.Tools fakes = new StepFakes.Tools(dir.resolve("cache"));
    ImageBuild build = StepFakes.planned(StepFakes.build(SOURCE, "vpc", dir.resolve("img.vhd")));
    new FormatStep(fakes.tools).plan(build);
    assertThat(build.plan.commands)
        .containsExactly(
            List.of(
                "qemu-img",
                "convert",
                "-p",
                "-f",
                "qcow2",
                "-O",
                "vpc",
                "-o",
                "subformat=dynamic,force_size=on",
                build.temp.toString(),
                dir.resolve(".img.vhd.1234.tmp.vpc.tmp").toString()));
    assertThat(fakes.qemuImg.calls()).isEmpty();
  }

  @Test
  void aFailedConversionLeavesTheWorkFileAndCleanupRemovesTheSecondFile() throws Exception {
    StepFakes.Tools fakes = new StepFakes.Tools(dir.resolve("cache"));
    fakes.qemuImg.failOn("convert");
    ImageBuild build = StepFakes.build(SOURCE, "vhdx", dir.resolve("img.vhdx"));
    Files.write(build.temp, new byte[] {7});
    Path second = dir.resolve(".img.vhdx.1234.tmp.vhdx.tmp");
    Files.write(second, new byte[] {9}); // as a convert cut short leaves it
    FormatStep step = new FormatStep(fakes.tools);

    assertThatThrownBy(() -> step.run(build))
        .isInstanceOf(GenVmException.class)
        .hasMessageContaining("simulated failure");
    assertThat(Files.readAllBytes(build.temp)).containsExactly(7);

    step.cleanup(build);
    assertThat(second).doesNotExist();
    assertThat(build.temp).exists(); // the fetch step owns it
  }
}
