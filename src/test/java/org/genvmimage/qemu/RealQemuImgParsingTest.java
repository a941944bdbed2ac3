package org.genvmimage.qemu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalDouble;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;
import org.genvmimage.process.CommandSpec;
import org.genvmimage.process.ProcessResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** qemu-img output parsing and the specs RealQemuImg asks for, without running qemu-img. */
class RealQemuImgParsingTest {
  private static final List<String> CMD = List.of("qemu-img", "info", "--output=json", "/x");

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "'    (0.00/100%)'        | 0.0",
        "'    (12.34/100%)'       | 12.34",
        "'    (100.00/100%)'      | 100.0",
        "(7/100%)                 | 7.0",
      })
  void parsesProgress(String segment, double expected) {
    assertThat(RealQemuImg.parseProgress(segment)).hasValue(expected);
  }

  @ParameterizedTest
  @CsvSource({"''", "'qemu-img: warning: something'", "'(12.34/50%)'"})
  void ignoresOtherOutput(String segment) {
    assertThat(RealQemuImg.parseProgress(segment)).isEqualTo(OptionalDouble.empty());
  }

  @Test
  void parsesVmdkExtentsOtherThanTheImageAsExternalFiles() {
    String json =
        """
        {"virtual-size": 1048576, "filename": "/d/v.vmdk", "format": "vmdk", "actual-size": 8192,
         "format-specific": {"type": "vmdk", "data": {"create-type": "twoGbMaxExtentFlat",
           "extents": [{"filename": "/d/v.vmdk", "format": "SPARSE"},
                       {"filename": "/etc/shadow", "format": "FLAT"}]}}}
        """;

    assertThat(RealQemuImg.parseInfo(json, CMD))
        .isEqualTo(new ImageInfo("vmdk", 1048576, 8192, null, null, false, List.of("/etc/shadow")));
  }

  @Test
  void onlyAWholeQcow2v3WithoutSnapshotsIsCopiedAsItIs() {
    String plain =
        """
        {"virtual-size": 4194304, "filename": "p.qcow2", "format": "qcow2", "actual-size": 1,
         "format-specific": {"type": "qcow2", "data": {"compat": "1.1", "corrupt": false}}}
        """;
    String snapshots =
        """
        {"virtual-size": 4194304, "filename": "s.qcow2", "format": "qcow2", "actual-size": 1,
         "snapshots": [{"id": "1", "name": "before"}],
         "format-specific": {"type": "qcow2", "data": {"compat": "1.1", "corrupt": false}}}
        """;
    String corrupt =
        """
        {"virtual-size": 4194304, "filename": "c.qcow2", "format": "qcow2", "actual-size": 1,
         "format-specific": {"type": "qcow2", "data": {"compat": "1.1", "corrupt": true}}}
        """;

    assertThat(RealQemuImg.parseInfo(plain, CMD).selfContainedQcow2v3()).isTrue();
    assertThat(RealQemuImg.parseInfo(snapshots, CMD).snapshots()).isTrue();
    assertThat(RealQemuImg.parseInfo(snapshots, CMD).selfContainedQcow2v3()).isFalse();
    assertThat(RealQemuImg.parseInfo(corrupt, CMD).corrupt()).isTrue();
    assertThat(RealQemuImg.parseInfo(corrupt, CMD).selfContainedQcow2v3()).isFalse();
    assertThat(new ImageInfo("qcow2", 1, 1, "0.10", null, false).selfContainedQcow2v3()).isFalse();
    assertThat(new ImageInfo("qcow2", 1, 1, "1.1", "b.img", false).selfContainedQcow2v3())
        .isFalse();
    assertThat(new ImageInfo("qcow2", 1, 1, "1.1", null, true).selfContainedQcow2v3()).isFalse();
    assertThat(new ImageInfo("raw", 1, 1, null, null, false).selfContainedQcow2v3()).isFalse();
  }

  @Test
  void parsesQcow2WithBackingFile() {
    String json =
        """
        {"backing-filename-format": "qcow2", "virtual-size": 4194304, "filename": "o.qcow2",
         "cluster-size": 65536, "format": "qcow2", "actual-size": 200704,
         "format-specific": {"type": "qcow2", "data": {"compat": "1.1", "corrupt": false}},
         "full-backing-filename": "/b/a.img", "backing-filename": "a.img", "dirty-flag": false}
        """;

    assertThat(RealQemuImg.parseInfo(json, CMD))
        .isEqualTo(new ImageInfo("qcow2", 4194304, 200704, "1.1", "a.img", false));
  }

  @Test
  void unexpectedOutputIsToolFailed() {
    GenVmException e =
        catchThrowableOfType(
            GenVmException.class, () -> RealQemuImg.parseInfo("<html>oops</html>", CMD));

    assertThat(e.exitCode()).isEqualTo(ExitCode.TOOL_FAILED.code());
    assertThat(e.getMessage())
        .startsWith("qemu-img info --output=json /x gave unexpected output: ");
    assertThat(
            catchThrowableOfType(
                GenVmException.class, () -> RealQemuImg.parseInfo("{\"filename\": \"x\"}", CMD)))
        .hasMessageContaining("no format or virtual-size");
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0  | {\"check-errors\": 0}                 | ''              | CLEAN         | 0 | 0 | no errors found",
        "3  | {\"leaks\": 4, \"check-errors\": 0}  | 'Leaked cluster' | LEAKED        | 4 | 0 | 4 leaked clusters (harmless: they only waste space)",
        "2  | {\"corruptions\": 2, \"leaks\": 1}   | 'ERROR a\nERROR b' | CORRUPT     | 1 | 2 | '2 corruptions: ERROR a | ERROR b'",
        "1  | {\"check-errors\": 3}                 | 'ERROR x'       | ERROR         | 0 | 0 | the check could not be completed (3 errors while checking): ERROR x",
        "1  | ''                                    | 'qemu-img: Could not open' | ERROR | 0 | 0 | 'the check could not be completed: qemu-img: Could not open'",
        "63 | ''                                    | 'qemu-img: This image format does not support checks' | NOT_SUPPORTED | 0 | 0 | qcow2 images have no consistency check",
      })
  void parsesCheck(
      int exitCode,
      String stdout,
      String stderr,
      CheckResult.Status status,
      long leaks,
      long corruptions,
      String detail) {
    assertThat(RealQemuImg.parseCheck(exitCode, stdout, stderr, "qcow2", CMD))
        .isEqualTo(new CheckResult(status, leaks, corruptions, detail));
  }

  @Test
  void asksTheRunnerForTheRightSpecs() {
    List<CommandSpec> specs = new ArrayList<>();
    RealQemuImg qemuImg =
        new RealQemuImg(
            spec -> {
              specs.add(spec);
              String out =
                  spec.command().get(1).equals("info")
                      ? "{\"format\": \"raw\", \"virtual-size\": 1, \"filename\": \"/x\"}"
                      : "";
              if (spec.onStdout() != null) {
                spec.onStdout().accept("    (100.00/100%)");
              }
              return new ProcessResult(spec.command(), 0, out, "", Duration.ZERO);
            },
            "/usr/bin/qemu-img");
    List<Double> progress = new ArrayList<>();

    qemuImg.info(Path.of("/x"));
    qemuImg.convert(Path.of("/x"), "raw", Path.of("/y"), progress::add);
    qemuImg.check(Path.of("/y"), "qcow2");

    assertThat(specs)
        .allSatisfy(s -> assertThat(s.missingHint()).isEqualTo(RealQemuImg.MISSING_HINT));
    assertThat(specs).allSatisfy(s -> assertThat(s.program()).isEqualTo("/usr/bin/qemu-img"));
    assertThat(specs.get(0).timeout()).isEqualTo(RealQemuImg.METADATA_TIMEOUT);
    assertThat(specs.get(1).timeout()).isNull();
    assertThat(progress).containsExactly(100.0);
    assertThat(specs.get(2).okExitCodes()).containsExactlyInAnyOrder(0, 1, 2, 3, 63);
  }
}
