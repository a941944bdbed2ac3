package org.genvmimage.cli.manual;

import java.util.List;
import java.util.Map;
import org.genvmimage.cli.manual.ManSections.Entry;
import org.genvmimage.cli.manual.ManSections.Example;

/** The hand-written parts of the man pages, by the command's qualified name. */
public final class CommandDocs {
  private CommandDocs() {}

  private static final Entry JAVA_OPTS =
      new Entry(
          "GEN_VM_IMAGE_JAVA_OPTS",
          "JVM options for the launcher (default: -XX:+UseSerialGC -Xms16m -Xmx256m).");
  private static final Entry JAVA =
      new Entry("JAVA", "The java program the launcher runs (default: java from the PATH).");
  private static final Entry QEMU_IMG =
      new Entry(
          "GEN_VM_IMAGE_QEMU_IMG",
          "The qemu-img program to run, a path or a name on the PATH (default: qemu-img).");
  private static final Entry XDG_CACHE_HOME =
      new Entry(
          "XDG_CACHE_HOME",
          "The base of the default cache folder: $XDG_CACHE_HOME/gen-vm-image (default:"
              + " ~/.cache/gen-vm-image).");
  private static final Entry CACHE =
      new Entry(
          "$XDG_CACHE_HOME/gen-vm-image/, ~/.cache/gen-vm-image/",
          "The cache of downloaded base images, one file per checksum type and digest"
              + " (<type>/<hex>); --cache-dir names another.");

  private static final Entry SHA256SUMS =
      new Entry(
          "SHA256SUMS",
          "In each output folder: the SHA-256 of each image published there, in GNU sha256sum"
              + " format (sha256sum -c SHA256SUMS checks them); lines of other files are kept.");
  private static final Entry MANIFEST_STATE =
      new Entry(
          ".SHA256SUMS.gen-vm-image.json",
          "Beside it: the lock that runs publishing into the folder take, and the size,"
              + " modification time and inode each file had when it was hashed, so that an"
              + " unchanged image is not read again.");
  private static final Example VERIFY_EXAMPLE =
      new Example(
          "Read every image again and check it against its SHA256SUMS line, its format and size:",
          "gen-vm-image verify --architecture-path architecture.yml");

  private static final Map<String, ManSections> SECTIONS =
      Map.of(
          "gen-vm-image",
          new ManSections(
              "build verified, resized virtual machine images from an architecture file",
              List.of(ArchitectureFileDocs.section()),
              ExitStatus.entries(),
              List.of(QEMU_IMG, XDG_CACHE_HOME, JAVA_OPTS, JAVA),
              List.of(
                  new Entry(
                      "architecture.yml",
                      "The default architecture file, in the current folder. Examples are"
                          + " installed in share/gen-vm-image/examples under the installation"
                          + " prefix (examples/ in the source tree)."),
                  new Entry(
                      "generated-images/image.qcow2",
                      "The default output. With several images, <image-key>.qcow2 beside it."),
                  new Entry(
                      ".<file>.gen-vm-image.json",
                      "Beside each output: the checksum and size it was built from, so that a"
                          + " second run leaves it alone."),
                  SHA256SUMS,
                  MANIFEST_STATE,
                  CACHE),
              List.of(
                  new Example(
                      "Build the images of an architecture file into generated-images/:",
                      "gen-vm-image --architecture-path examples/architecture.yml"),
                  new Example(
                      "Build one image of several, into a folder of its own:",
                      "gen-vm-image --architecture-path architecture.yml --image debian-12 \\\n"
                          + "    --image-output-path out/debian-12.qcow2"),
                  new Example(
                      "Write only the GoCD pipelines for the images:",
                      "gen-vm-image --architecture-path architecture.yml --gocd-config-only"),
                  VERIFY_EXAMPLE),
              List.of("configure-vm-image(1)", "qemu-img(1)", "sha256sum(1)")),
          "gen-vm-image verify",
          new ManSections(
              "check built images against their SHA256SUMS and the architecture file",
              List.of(),
              List.of(),
              List.of(QEMU_IMG, JAVA_OPTS, JAVA),
              List.of(SHA256SUMS, MANIFEST_STATE),
              List.of(
                  VERIFY_EXAMPLE,
                  new Example(
                      "The same check with coreutils, in an output folder:",
                      "cd generated-images && sha256sum -c SHA256SUMS")),
              List.of("gen-vm-image(1)", "qemu-img(1)", "sha256sum(1)")),
          "gen-vm-image cache",
          new ManSections(
              null,
              List.of(),
              List.of(),
              List.of(XDG_CACHE_HOME, JAVA_OPTS, JAVA),
              List.of(CACHE),
              List.of(),
              List.of()),
          "configure-vm-image",
          new ManSections(
              "configure a virtual machine image with cloud-init under QEMU",
              List.of(),
              ExitStatus.entries(),
              List.of(
                  new Entry(
                      "GEN_VM_IMAGE_QEMU",
                      "The QEMU system emulator to run, a path or a name on the PATH (default:"
                          + " the first of qemu-kvm, kvm, qemu-system-x86_64 on the PATH, then"
                          + " /usr/libexec/qemu-kvm)."),
                  QEMU_IMG,
                  JAVA_OPTS,
                  JAVA),
              List.of(
                  new Entry(
                      "cloud-init-config/user-data, meta-data, vendor-data",
                      "The default cloud-init files, in the current folder. Examples are"
                          + " installed in share/gen-vm-image/examples/cloud-init-config under"
                          + " the installation prefix."),
                  new Entry("generated-images/image.qcow2", "The default image to configure."),
                  new Entry(
                      "image-config/seed.img",
                      "The default seed image (NoCloud, ISO 9660, label cidata); console.log"
                          + " beside it logs the guest's console.")),
              List.of(
                  new Example(
                      "Configure the image that gen-vm-image built, with the cloud-init files in"
                          + " cloud-init-config/:",
                      "configure-vm-image"),
                  new Example(
                      "Configure another image without network, and keep it as the guest left it (no reset):",
                      "configure-vm-image --image-input-path out/debian-12.qcow2 \\\n"
                          + "    --network none --no-reset")),
              List.of("gen-vm-image(1)", "qemu-img(1)", "virt-sysprep(1)", "cloud-init(1)")));

  /** The sections for a command, by its qualified name ("gen-vm-image cache"); never null. */
  public static ManSections forCommand(String qualifiedName) {
    return SECTIONS.getOrDefault(qualifiedName, ManSections.NONE);
  }
}
