package org.genvmimage.gocd;

import java.util.regex.Pattern;

/**
 * A reference to a secret that the GoCD server resolves from one of its secret configs: written as
 * {@code {{SECRET:[config_id][key]}}}, so the secret itself never appears in the config.
 *
 * @param configId the id of the secret config on the GoCD server
 * @param key the key of the secret in that config
 */
public record SecretRef(String configId, String key) {
  /** What GoCD allows as a secret config id. */
  private static final Pattern CONFIG_ID = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_.-]*");

  /** A key may hold anything but the characters that end the reference. */
  private static final Pattern KEY = Pattern.compile("[^\\[\\]{}\\s]+");

  public SecretRef {
    if (configId == null || !CONFIG_ID.matcher(configId).matches()) {
      throw new IllegalArgumentException(
          "secret config id '"
              + configId
              + "' is not valid (expected letters, digits, '_', '-' or '.')");
    }
    if (key == null || !KEY.matcher(key).matches()) {
      throw new IllegalArgumentException(
          "secret key '" + key + "' is not valid (expected no spaces, brackets or braces)");
    }
  }

  /** Reads {@code CONFIG_ID:KEY}; the key may contain further colons. */
  public static SecretRef parse(String text) {
    int colon = text.indexOf(':');
    if (colon < 0) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a secret reference (expected CONFIG_ID:KEY)");
    }
    return new SecretRef(text.substring(0, colon), text.substring(colon + 1));
  }

  /** The reference as GoCD reads it: {@code {{SECRET:[config_id][key]}}}. */
  public String reference() {
    return "{{SECRET:[" + configId + "][" + key + "]}}";
  }
}
