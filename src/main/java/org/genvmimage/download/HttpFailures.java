package org.genvmimage.download;

import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import org.genvmimage.core.ExitCode;
import org.genvmimage.core.GenVmException;

/** How the failures of an HTTP exchange read, and which of them another attempt may get past. */
final class HttpFailures {
  private HttpFailures() {}

  static GenVmException interrupted() {
    return new GenVmException(ExitCode.INTERRUPTED, "interrupted");
  }

  /** Turns a failure before any response into a retry (returned) or a final error (thrown). */
  static Retry classify(URI uri, Throwable failure, Duration connectTimeout) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof UnresolvedAddressException || t instanceof UnknownHostException) {
        throw new GenVmException(
            ExitCode.DOWNLOAD_FAILED, uri + ": unknown host '" + uri.getHost() + "'", failure);
      }
      if (t instanceof SSLHandshakeException) {
        throw new GenVmException(
            ExitCode.DOWNLOAD_FAILED, uri + ": TLS handshake failed: " + t.getMessage(), failure);
      }
    }
    if (failure instanceof HttpConnectTimeoutException) {
      return new Retry("connect timed out after " + seconds(connectTimeout), null, false, failure);
    }
    if (connecting(failure)) {
      return new Retry("connect timed out after " + seconds(connectTimeout), null, false, failure);
    }
    if (failure instanceof HttpTimeoutException || failure instanceof SocketTimeoutException) {
      return new Retry("timed out", null, false, failure);
    }
    if (failure instanceof ConnectException) {
      String message = deepestMessage(failure);
      if (message == null || message.toLowerCase(Locale.ROOT).contains("refused")) {
        return new Retry("connection refused", null, false, failure);
      }
      return new Retry("cannot connect: " + message, null, false, failure);
    }
    if (failure instanceof IOException) {
      String message = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
      if (message.contains("reset")) {
        return new Retry("connection reset", null, false, failure);
      }
      if (message.contains("eof")
          || message.contains("end of file")
          || message.contains("closed")) {
        return new Retry("connection closed before a response", null, false, failure);
      }
      return new Retry("network error: " + failure.getMessage(), null, false, failure);
    }
    throw new GenVmException(ExitCode.DOWNLOAD_FAILED, uri + ": " + describe(failure), failure);
  }

  /** Whether a timeout happened while connecting (as opposed to while reading). */
  static boolean connecting(Throwable failure) {
    return failure instanceof SocketTimeoutException
        && String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT).contains("connect");
  }

  private static String describe(Throwable t) {
    String message = deepestMessage(t);
    return message != null ? message : t.getClass().getSimpleName();
  }

  private static String deepestMessage(Throwable t) {
    String message = null;
    for (; t != null; t = t.getCause()) {
      if (t.getMessage() != null && !t.getMessage().isBlank()) {
        message = t.getMessage();
      }
    }
    return message;
  }

  /** "60 s", "0.3 s". */
  static String seconds(Duration d) {
    long millis = d.toMillis();
    if (millis % 1000 == 0) {
      return millis / 1000 + " s";
    }
    return String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
  }

  private static final Map<Integer, String> PHRASES =
      Map.ofEntries(
          Map.entry(301, "Moved Permanently"),
          Map.entry(302, "Found"),
          Map.entry(303, "See Other"),
          Map.entry(307, "Temporary Redirect"),
          Map.entry(308, "Permanent Redirect"),
          Map.entry(400, "Bad Request"),
          Map.entry(401, "Unauthorized"),
          Map.entry(403, "Forbidden"),
          Map.entry(404, "Not Found"),
          Map.entry(405, "Method Not Allowed"),
          Map.entry(406, "Not Acceptable"),
          Map.entry(407, "Proxy Authentication Required"),
          Map.entry(408, "Request Timeout"),
          Map.entry(410, "Gone"),
          Map.entry(416, "Range Not Satisfiable"),
          Map.entry(429, "Too Many Requests"),
          Map.entry(500, "Internal Server Error"),
          Map.entry(501, "Not Implemented"),
          Map.entry(502, "Bad Gateway"),
          Map.entry(503, "Service Unavailable"),
          Map.entry(504, "Gateway Timeout"));

  /** " Not Found" for 404: the status's reason phrase after a space, or "" when unknown. */
  static String reasonPhrase(int status) {
    String phrase = PHRASES.get(status);
    return phrase == null ? "" : " " + phrase;
  }
}
