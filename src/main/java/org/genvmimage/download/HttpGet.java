package org.genvmimage.download;

import java.io.IOException;
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpHeaders;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * One GET request through the JDK's {@link HttpURLConnection}, which reads a body straight from the
 * socket into the caller's arrays (the JDK's {@code java.net.http} client hands bodies over as many
 * small buffers and costs several times the CPU per byte). Redirects are followed here, as the
 * {@code java.net.http} client's {@code Redirect.NORMAL} does: up to {@value #MAX_REDIRECTS},
 * relative {@code Location}s resolved against the URL that sent them, never from https to http.
 * Proxies come from the JDK's default {@link java.net.ProxySelector} (the {@code http.proxyHost}
 * family of system properties, or {@code java.net.useSystemProxies}); https from the JDK's default
 * TLS context.
 *
 * <p>{@link #open}, {@link #body} and {@link #disconnect} run on one thread; {@link #abort} may be
 * called from any other. It only marks the exchange: closing an {@code HttpURLConnection} from
 * another thread waits for a read in progress (the JDK's streams lock), so the reading thread
 * closes the connection itself when its read returns, or when the read timeout ends it.
 */
final class HttpGet {
  static final int MAX_REDIRECTS = 5;
  private static final String USER_AGENT = "gen-vm-image";

  private final Map<String, String> requestHeaders;
  private final Duration connectTimeout;
  private final Duration readTimeout;
  private volatile HttpURLConnection connection;
  private volatile boolean aborted;

  /**
   * @param requestHeaders headers besides {@code User-Agent} and {@code Accept-Encoding}, e.g.
   *     {@code Range}
   * @param readTimeout how long a read may wait for a byte (the stall timeout)
   */
  HttpGet(Map<String, String> requestHeaders, Duration connectTimeout, Duration readTimeout) {
    this.requestHeaders = Map.copyOf(requestHeaders);
    this.connectTimeout = connectTimeout;
    this.readTimeout = readTimeout;
  }

  /** The status line and headers of the final response, after redirects. */
  record Response(int status, HttpHeaders headers, URI uri) {}

  /**
   * Sends the request, following redirects, and reads the final response's status and headers. A
   * redirect that may not be followed (https to http, another scheme, too many) is returned as the
   * response.
   */
  Response open(URI uri) throws IOException {
    URI current = uri;
    for (int hop = 0; ; hop++) {
      HttpURLConnection c = connect(current);
      int status = c.getResponseCode();
      if (aborted) {
        throw new IOException("closed");
      }
      if (status < 0) {
        throw new IOException("no valid HTTP response");
      }
      HttpHeaders headers = headersOf(c);
      URI next = isRedirect(status) ? redirectTarget(current, headers) : null;
      if (next == null || hop >= MAX_REDIRECTS) {
        return new Response(status, headers, current);
      }
      disconnect(); // the redirect's own body is not wanted
      current = next;
    }
  }

  /** The body of the response {@link #open} returned. */
  InputStream body() throws IOException {
    HttpURLConnection c = connection;
    if (c == null || aborted) {
      throw new IOException("closed");
    }
    return c.getInputStream();
  }

  /**
   * Marks the exchange as given up (from any thread): the reading thread stops at its next step.
   */
  void abort() {
    aborted = true;
  }

  boolean aborted() {
    return aborted;
  }

  /** Closes the connection, if one is open. */
  void disconnect() {
    HttpURLConnection c = connection;
    if (c != null) {
      c.disconnect();
    }
  }

  private HttpURLConnection connect(URI uri) throws IOException {
    if (aborted) {
      throw new IOException("closed");
    }
    URL url = uri.toURL();
    HttpURLConnection c = (HttpURLConnection) url.openConnection();
    c.setInstanceFollowRedirects(false);
    c.setUseCaches(false);
    c.setConnectTimeout(millis(connectTimeout));
    c.setReadTimeout(millis(readTimeout));
    c.setRequestProperty("User-Agent", USER_AGENT);
    c.setRequestProperty("Accept-Encoding", "identity");
    c.setRequestProperty("Accept", "*/*");
    requestHeaders.forEach(c::setRequestProperty);
    connection = c;
    c.connect();
    return c;
  }

  private static int millis(Duration d) {
    return (int) Math.max(1, Math.min(Integer.MAX_VALUE, d.toMillis()));
  }

  static boolean isRedirect(int status) {
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
  }

  /**
   * Where a redirect leads, or null when it may not be followed: no or a malformed {@code
   * Location}, a scheme other than http(s), or from https to http.
   */
  static URI redirectTarget(URI from, HttpHeaders headers) {
    String location = headers.firstValue("Location").orElse(null);
    if (location == null || location.isBlank()) {
      return null;
    }
    URI to;
    try {
      to = from.resolve(new URI(location.trim()));
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      return null;
    }
    String scheme = to.getScheme() == null ? "" : to.getScheme().toLowerCase(Locale.ROOT);
    String fromScheme = from.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      return null;
    }
    if (fromScheme.equals("https") && scheme.equals("http")) {
      return null;
    }
    if (to.getHost() == null) {
      return null;
    }
    return to;
  }

  private static HttpHeaders headersOf(HttpURLConnection c) {
    Map<String, List<String>> fields = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    for (Map.Entry<String, List<String>> e : c.getHeaderFields().entrySet()) {
      if (e.getKey() != null && e.getValue() != null) {
        fields.put(e.getKey(), e.getValue().stream().filter(v -> v != null).toList());
      }
    }
    return HttpHeaders.of(fields, (name, value) -> true);
  }
}
