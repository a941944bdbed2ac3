package org.genvmimage.image;

import org.genvmimage.console.Console;
import org.genvmimage.download.Downloader;
import org.genvmimage.qemu.QemuImg;

/**
 * The collaborators and settings shared by every image build of one run.
 *
 * @param owner who published images are given to
 * @param overwrite whether an existing output that differs may be replaced
 */
public record BuildTools(
    Downloader downloader, QemuImg qemuImg, Console console, ImageOwner owner, boolean overwrite) {}
