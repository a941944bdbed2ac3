package org.genvmimage.cli;

/** Placeholder entry point; replaced by the picocli commands. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(0);
  }
}
