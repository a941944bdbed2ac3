package org.genvmimage.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.stream.Collectors;
import org.genvmimage.console.Console;
import org.genvmimage.console.Units;
import org.genvmimage.core.ExitCode;
import org.genvmimage.download.CacheEntry;
import org.genvmimage.download.CachePruner;
import org.genvmimage.download.CacheSelection;
import org.genvmimage.download.DownloadCache;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gen-vm-image cache list}. */
@Command(
    name = "list",
    description = {
      "Lists the cache: one line per entry (checksum, size, last use in UTC, source URLs), partial"
          + " downloads marked as such, and the total.",
      ""
    })
final class CacheListCommand extends CacheAction {
  private static final DateTimeFormatter WHEN =
      DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

  enum Format {
    text,
    json
  }

  @Option(
      names = "--output",
      paramLabel = "FORMAT",
      description = "text (a table) or json (one document). Default: ${DEFAULT-VALUE}.")
  Format format = Format.text;

  @Override
  int run(DownloadCache cache, PrintWriter out, Console console) throws IOException {
    List<CacheEntry> entries = cache.list();
    long total = entries.stream().mapToLong(e -> Math.max(0, e.size())).sum();
    if (format == Format.json) {
      out.println(json(entries, total));
      return ExitCode.OK.code();
    }
    if (!entries.isEmpty()) {
      List<String[]> rows = new ArrayList<>();
      rows.add(new String[] {"TYPE", "CHECKSUM", "SIZE", "LAST USED (UTC)", "SOURCE"});
      for (CacheEntry e : entries) {
        rows.add(
            new String[] {
              e.digest().type(),
              CacheSelection.shortHex(e.digest().hex()),
              Units.bytes(e.size()),
              e.lastUsed() == null ? "-" : WHEN.format(e.lastUsed()),
              (e.partial() ? "(partial) " : "") + sources(e)
            });
      }
      printTable(out, rows);
    }
    long partial = entries.stream().filter(CacheEntry::partial).count();
    out.println(
        CachePruner.count(entries.size(), "entry", "entries")
            + (partial > 0 ? " (" + partial + " partial)" : "")
            + ", "
            + Units.bytes(total)
            + ", in "
            + cache.dir());
    return ExitCode.OK.code();
  }

  private static String sources(CacheEntry e) {
    return e.sources().isEmpty()
        ? "-"
        : e.sources().stream().map(URI::toString).collect(Collectors.joining(" "));
  }

  record Checksum(String type, String value) {}

  record Entry(
      Checksum checksum,
      String path,
      long size,
      List<String> sourceUrls,
      String created,
      String lastUsed,
      boolean partial) {}

  record Listing(List<Entry> entries, long totalSize) {}

  private static String json(List<CacheEntry> entries, long total) throws IOException {
    List<Entry> list =
        entries.stream()
            .map(
                e ->
                    new Entry(
                        new Checksum(e.digest().type(), e.digest().hex()),
                        e.file().toString(),
                        e.size(),
                        e.sources().stream().map(URI::toString).toList(),
                        Objects.toString(e.created(), null),
                        Objects.toString(e.lastUsed(), null),
                        e.partial()))
            .toList();
    return new ObjectMapper()
        .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
        .enable(SerializationFeature.INDENT_OUTPUT)
        .writeValueAsString(new Listing(list, total));
  }

  /** Columns padded to their widest cell; the last column is not padded. */
  static void printTable(PrintWriter out, List<String[]> rows) {
    int columns = rows.get(0).length;
    int[] widths = new int[columns];
    for (String[] row : rows) {
      for (int i = 0; i < columns; i++) {
        widths[i] = Math.max(widths[i], row[i].length());
      }
    }
    for (String[] row : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < columns; i++) {
        if (i == columns - 1) {
          line.append(row[i]);
        } else {
          line.append(String.format("%-" + widths[i] + "s  ", row[i]));
        }
      }
      out.println(line.toString().stripTrailing());
    }
  }
}
