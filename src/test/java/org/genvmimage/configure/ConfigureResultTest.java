package org.genvmimage.configure;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConfigureResultTest {
  @Test
  void summaryIsOneLine() {
    ConfigureResult result =
        new ConfigureResult(
            Path.of("generated-images/image.qcow2"),
            "qcow2",
            1L << 30,
            "TCG",
            null,
            new ConfigureResult.CloudInit(
                "22.4.2",
                "DataSourceNoCloud [seed=/dev/sr0]",
                List.of(),
                71.8,
                List.of("cloud-init: util.py[WARNING]: x")),
            new ConfigureResult.Durations(
                Duration.ofMillis(5),
                Duration.ofSeconds(84),
                Duration.ofSeconds(3),
                null,
                Duration.ofSeconds(10),
                Duration.ofSeconds(132)),
            Path.of("image-config/console.log"));

    assertThat(result.summary())
        .isEqualTo(
            "generated-images/image.qcow2  configured  (cloud-init 22.4.2, TCG, finished after"
                + " 84 s, total 2 min 12 s, 1 warning)");
  }
}
