package org.genvmimage.architecture;

import java.util.ArrayList;
import java.util.List;

/**
 * What a new blank disk is made with beyond its format and size, from the image's {@code
 * extra_kwargs} (the upstream tool's name for extra {@code qemu-img create} options).
 *
 * @param backingFile {@code b}: the backing file, as written; a relative one is read by QEMU from
 *     the image's own folder (the output folder), and is kept relative in the image; or null
 * @param backingFormat {@code F}: the backing file's format, given with {@code backingFile}; or
 *     null
 * @param options {@code o}: the {@code qemu-img create -o} options as passed (the upstream spelling
 *     {@code encrypt.key=ID} read as {@code encrypt.key-secret=ID}); or null
 */
public record CreateOptions(String backingFile, String backingFormat, String options) {
  /**
   * The option that names the secret (an id given with {@code --secret}) a qcow2 is encrypted by.
   */
  public static final String ENCRYPT_SECRET = "encrypt.key-secret";

  public CreateOptions {
    if ((backingFile == null) != (backingFormat == null)) {
      throw new IllegalArgumentException("a backing file and its format go together");
    }
    if (backingFile == null && options == null) {
      throw new IllegalArgumentException("no create options");
    }
  }

  /**
   * The {@code key=value} items of an options string, split at single commas ({@code ,,} is a comma
   * inside a value, as QEMU reads it); an item without {@code =} has a null value.
   */
  public static List<String[]> items(String options) {
    List<String[]> items = new ArrayList<>();
    StringBuilder item = new StringBuilder();
    for (int i = 0; i <= options.length(); i++) {
      char c = i < options.length() ? options.charAt(i) : ',';
      if (c == ',' && i + 1 < options.length() && options.charAt(i + 1) == ',') {
        item.append(',');
        i++;
      } else if (c == ',') {
        String text = item.toString();
        int eq = text.indexOf('=');
        items.add(
            eq < 0
                ? new String[] {text, null}
                : new String[] {text.substring(0, eq), text.substring(eq + 1)});
        item.setLength(0);
      } else {
        item.append(c);
      }
    }
    return items;
  }

  /**
   * The ids of the secrets the options name (every {@code ...key-secret=ID}, in order, once each):
   * each must be given with {@code --secret ID=FILE}.
   */
  public List<String> secrets() {
    List<String> ids = new ArrayList<>();
    if (options != null) {
      for (String[] item : items(options)) {
        if (item[0].endsWith("key-secret") && item[1] != null && !ids.contains(item[1])) {
          ids.add(item[1]);
        }
      }
    }
    return ids;
  }

  /** The id of the secret that encrypts the image ({@value #ENCRYPT_SECRET}), or null. */
  public String encryptionSecret() {
    if (options != null) {
      for (String[] item : items(options)) {
        if (item[0].equals(ENCRYPT_SECRET)) {
          return item[1];
        }
      }
    }
    return null;
  }

  /** One line that names every option, for the build stamp: a change means another image. */
  public String describe() {
    List<String> parts = new ArrayList<>();
    if (backingFile != null) {
      parts.add("b=" + backingFile);
      parts.add("F=" + backingFormat);
    }
    if (options != null) {
      parts.add("o=" + options);
    }
    return String.join(" ", parts);
  }
}
