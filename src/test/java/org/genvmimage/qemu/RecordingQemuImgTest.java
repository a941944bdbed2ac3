package org.genvmimage.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RecordingQemuImgTest {
  @TempDir Path dir;

  @Test
  void recordsCallsAndTracksTheImagesItWrites() throws IOException {
    Path source = Files.writeString(dir.resolve("cache.img"), "data");
    Path target = dir.resolve("out.qcow2");
    RecordingQemuImg fake =
        new RecordingQemuImg()
            .withImage(source, new ImageInfo("qcow2", 2048, 4, "0.10", null, false));
    List<Double> progress = new ArrayList<>();

    fake.convert(source, "qcow2", target, progress::add);
    fake.amend(target, "qcow2", "compat=v3");
    fake.resize(target, "qcow2", 4096);

    assertThat(fake.calls())
        .containsExactly(
            "convert " + source + " qcow2 " + target,
            "amend " + target + " qcow2 compat=v3",
            "resize " + target + " qcow2 4096");
    assertThat(Files.readString(target)).isEqualTo("data");
    assertThat(progress).containsExactly(0.0, 50.0, 100.0);
    assertThat(fake.info(target)).isEqualTo(new ImageInfo("qcow2", 4096, 4, "1.1", null, false));
    assertThat(fake.info(dir.resolve("other"))).isEqualTo(RecordingQemuImg.DEFAULT_INFO);
    assertThat(fake.check(target, "qcow2").ok()).isTrue();
  }

  @Test
  void failsWhenTold() {
    RecordingQemuImg fake =
        new RecordingQemuImg()
            .failOn("check")
            .failOn("info", new GenVmException(ExitCode.TOOL_MISSING, "qemu-img not found"));

    assertThatThrownBy(() -> fake.check(dir, "qcow2"))
        .isInstanceOfSatisfying(
            GenVmException.class,
            e -> assertThat(e.exitCode()).isEqualTo(ExitCode.TOOL_FAILED.code()));
    assertThatThrownBy(() -> fake.info(dir)).hasMessage("qemu-img not found");
    assertThat(fake.calls()).containsExactly("check " + dir + " qcow2", "info " + dir);
  }
}
