package org.genvmimage.yaml;

/**
 * YAML text that cannot be read: not well-formed, or beyond a limit of {@link YamlComposer}. The
 * message is one line, {@code file:line:column: what is wrong; what to do}.
 */
public final class YamlSyntaxException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  YamlSyntaxException(String message, Throwable cause) {
    super(message, cause);
  }
}
