package org.genvmimage.cli;

import java.util.Arrays;

/**
 * The jar's entry point: {@code java -jar gen-vm-image.jar [gen-vm-image|configure-vm-image] ARGS}.
 * Without a command name it runs gen-vm-image. The launcher in {@code bin/} passes the name it was
 * called by.
 */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals(GenVmImageCommand.NAME)) {
      GenVmImageCommand.main(Arrays.copyOfRange(args, 1, args.length));
    } else if (args.length > 0 && args[0].equals(ConfigureVmImageCommand.NAME)) {
      ConfigureVmImageCommand.main(Arrays.copyOfRange(args, 1, args.length));
    } else {
      GenVmImageCommand.main(args);
    }
  }
}
