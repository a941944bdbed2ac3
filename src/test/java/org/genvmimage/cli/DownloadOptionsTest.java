package org.genvmimage.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.genvmimage.download.DownloadSettings;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code --connections}: how many connections a large download uses, checked before anything. */
class DownloadOptionsTest {
  @TempDir Path tmp;

  @Test
  void connectionsDefaultToFourAndReachTheSettings() {
    DownloadOptions options = new DownloadOptions();
    assertThat(options.settings().connections()).isEqualTo(DownloadSettings.CONNECTIONS);
    assertThat(options.settings().segmentThreshold()).isEqualTo(64L << 20);
    options.connections = 1;
    assertThat(options.settings().connections()).isEqualTo(1);
  }

  @Test
  void connectionsOutsideOneToSixteenAreAUsageError() {
    for (String n : new String[] {"0", "17", "-1"}) {
      CliRun.Result r =
          CliRun.genWithCache(
              tmp.resolve("cache"),
              "--connections",
              n,
              "--architecture-path",
              tmp.resolve("missing.yml").toString());
      assertThat(r.exit()).as(r.err()).isEqualTo(2);
      assertThat(r.err()).contains("--connections must be from 1 to 16: " + n);
      assertThat(r.err().strip().lines()).hasSize(1);
    }
    assertThat(tmp.resolve("cache")).doesNotExist();
  }
}
