package org.genvmimage.download;

import com.sun.net.httpserver.Headers;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTTP server on 127.0.0.1 (port 0) for download tests, with faults to order: missing
 * Content-Length, error statuses for the first requests, bodies cut or stalled after some bytes,
 * range requests on or off (with If-Range), slow bodies, redirects; it logs every request.
 *
 * <pre>
 * try (TestHttpServer server = TestHttpServer.start()) {
 *   server.serve("/disk.img", bytes).cutAfter(1 &lt;&lt; 20, 1).etag("\"v1\"");
 *   URI uri = server.uri("/disk.img");
 * }
 * </pre>
 */
public final class TestHttpServer implements AutoCloseable {
  private static final Pattern RANGE = Pattern.compile("bytes=(\\d+)-(\\d*)");

  private final HttpServer server;
  private final ExecutorService executor;
  private final CountDownLatch closed = new CountDownLatch(1);
  private final Map<String, Resource> resources = new ConcurrentHashMap<>();
  private final List<Request> requests = new CopyOnWriteArrayList<>();
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger maxInFlight = new AtomicInteger();
  private final AtomicInteger aborted = new AtomicInteger();

  private TestHttpServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 50);
    executor =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "test-http-server");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** Starts a server on a free loopback port. */
  public static TestHttpServer start() {
    try {
      return new TestHttpServer();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The URL of a path on this server. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
  }

  /** Serves {@code content} at {@code path}; the returned resource takes faults. */
  public Resource serve(String path, byte[] content) {
    Resource r = new Resource(content);
    resources.put(path, r);
    return r;
  }

  /** Answers every request for {@code path} with a bodiless status. */
  public Resource status(String path, int status) {
    return serve(path, new byte[0]).failFirst(Integer.MAX_VALUE, status);
  }

  /** Redirects {@code path} to {@code target} with the given 3xx status. */
  public Resource redirect(String path, URI target, int status) {
    Resource r = serve(path, new byte[0]);
    r.redirectTo = target;
    r.redirectStatus = status;
    return r;
  }

  /** Every request so far, in arrival order. */
  public List<Request> requests() {
    return List.copyOf(requests);
  }

  /** The requests for one path. */
  public List<Request> requests(String path) {
    return requests.stream().filter(r -> r.path().equals(path)).toList();
  }

  /** The most requests that were being answered at the same time. */
  public int maxConcurrentRequests() {
    return maxInFlight.get();
  }

  /** Responses whose body could not be written because the client went away. */
  public int abortedResponses() {
    return aborted.get();
  }

  /** Stops the server and wakes every stalled response. */
  @Override
  public void close() {
    closed.countDown();
    server.stop(0);
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A logged request. */
  public record Request(int number, String method, String path, Map<String, List<String>> headers) {
    /** The first value of a header, or null. */
    public String header(String name) {
      for (Map.Entry<String, List<String>> e : headers.entrySet()) {
        if (e.getKey().equalsIgnoreCase(name) && !e.getValue().isEmpty()) {
          return e.getValue().get(0);
        }
      }
      return null;
    }
  }

  /** What a path serves, and how it misbehaves. Setters return this for chaining. */
  public static final class Resource {
    private volatile byte[] content;
    private volatile boolean chunked;
    private volatile boolean ranges = true;
    private volatile String etag;
    private volatile String lastModified;
    private volatile int failRequests;
    private volatile int failStatus;
    private volatile String retryAfter;
    private volatile long cutAfter = -1;
    private volatile int cutRequests;
    private volatile long stallAfter = -1;
    private volatile int stallRequests;
    private volatile Duration headerDelay = Duration.ZERO;
    private volatile int throttleChunk;
    private volatile Duration throttlePause = Duration.ZERO;
    private volatile URI redirectTo;
    private volatile int redirectStatus;
    private final AtomicInteger count = new AtomicInteger();

    private Resource(byte[] content) {
      this.content = content;
    }

    /** Replaces the content (a file changed on the server). */
    public Resource content(byte[] bytes) {
      this.content = bytes;
      return this;
    }

    /** Sends the body chunked, without Content-Length. */
    public Resource chunked() {
      this.chunked = true;
      return this;
    }

    /** Whether Range requests get 206 (default) or are ignored with a full 200. */
    public Resource ranges(boolean on) {
      this.ranges = on;
      return this;
    }

    /** Sends this ETag; an If-Range that differs gets the full file. */
    public Resource etag(String value) {
      this.etag = value;
      return this;
    }

    /** Sends this Last-Modified; an If-Range that differs (and is no ETag) gets the full file. */
    public Resource lastModified(String value) {
      this.lastModified = value;
      return this;
    }

    /** Answers the first {@code requests} requests with {@code status} and no body. */
    public Resource failFirst(int requests, int status) {
      this.failRequests = requests;
      this.failStatus = status;
      return this;
    }

    /** Adds this Retry-After to the failure responses. */
    public Resource retryAfter(String value) {
      this.retryAfter = value;
      return this;
    }

    /** For the first {@code requests} body responses, closes the connection after n bytes. */
    public Resource cutAfter(long bytes, int requests) {
      this.cutAfter = bytes;
      this.cutRequests = requests;
      return this;
    }

    /** For the first {@code requests} body responses, stops sending after n bytes until close. */
    public Resource stallAfter(long bytes, int requests) {
      this.stallAfter = bytes;
      this.stallRequests = requests;
      return this;
    }

    /** Waits this long before sending the response headers. */
    public Resource delayHeaders(Duration delay) {
      this.headerDelay = delay;
      return this;
    }

    /** Sends the body in {@code chunk}-byte pieces with a pause after each. */
    public Resource throttle(int chunk, Duration pause) {
      this.throttleChunk = chunk;
      this.throttlePause = pause;
      return this;
    }

    /** Requests so far for this resource. */
    public int requestCount() {
      return count.get();
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    String path = exchange.getRequestURI().getPath();
    Request request =
        new Request(
            requests.size() + 1,
            exchange.getRequestMethod(),
            path,
            copy(exchange.getRequestHeaders()));
    requests.add(request);
    int now = inFlight.incrementAndGet();
    maxInFlight.accumulateAndGet(now, Math::max);
    // After a fault the exchange is not closed (closing would end a chunked body properly): the
    // exception makes the server drop the connection instead.
    boolean drop = false;
    try {
      Resource r = resources.get(path);
      if (r == null) {
        exchange.sendResponseHeaders(404, -1);
        return;
      }
      int n = r.count.incrementAndGet();
      if (!r.headerDelay.isZero()
          && closed.await(r.headerDelay.toMillis(), TimeUnit.MILLISECONDS)) {
        return;
      }
      Headers out = exchange.getResponseHeaders();
      if (r.redirectTo != null) {
        out.set("Location", r.redirectTo.toString());
        exchange.sendResponseHeaders(r.redirectStatus, -1);
        return;
      }
      if (n <= r.failRequests) {
        if (r.retryAfter != null) {
          out.set("Retry-After", r.retryAfter);
        }
        exchange.sendResponseHeaders(r.failStatus, -1);
        return;
      }
      byte[] content = r.content;
      if (r.etag != null) {
        out.set("ETag", r.etag);
      }
      if (r.lastModified != null) {
        out.set("Last-Modified", r.lastModified);
      }
      int start = 0;
      int end = content.length; // exclusive
      int status = 200;
      String range = request.header("Range");
      if (r.ranges) {
        out.set("Accept-Ranges", "bytes");
      }
      if (r.ranges && range != null && ifRangeHolds(r, request.header("If-Range"))) {
        Matcher m = RANGE.matcher(range);
        if (m.matches()) {
          long first = Long.parseLong(m.group(1));
          if (first >= content.length) {
            out.set("Content-Range", "bytes */" + content.length);
            exchange.sendResponseHeaders(416, -1);
            return;
          }
          start = (int) first;
          if (!m.group(2).isEmpty()) {
            end = (int) Math.min(content.length, Long.parseLong(m.group(2)) + 1);
          }
          status = 206;
          out.set("Content-Range", "bytes " + start + "-" + (end - 1) + "/" + content.length);
        }
      }
      int length = end - start;
      int bodyNumber = n - Math.min(n - 1, r.failRequests);
      exchange.sendResponseHeaders(status, r.chunked ? 0 : length == 0 ? -1 : length);
      OutputStream body = exchange.getResponseBody();
      long cut = bodyNumber <= r.cutRequests ? r.cutAfter : -1;
      long stall = bodyNumber <= r.stallRequests ? r.stallAfter : -1;
      writeBody(r, body, content, start, length, cut, stall);
    } catch (IOException e) {
      drop = true;
      throw e;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      inFlight.decrementAndGet();
      if (!drop) {
        exchange.close();
      }
    }
  }

  private void writeBody(
      Resource r, OutputStream body, byte[] content, int start, int length, long cut, long stall)
      throws IOException, InterruptedException {
    int chunk = r.throttleChunk > 0 ? r.throttleChunk : 64 * 1024;
    int sent = 0;
    try {
      while (sent < length) {
        int n = Math.min(chunk, length - sent);
        if (cut >= 0) {
          n = (int) Math.min(n, cut - sent);
        }
        if (stall >= 0) {
          n = (int) Math.min(n, stall - sent);
        }
        if (n > 0) {
          body.write(content, start + sent, n);
          sent += n;
        }
        if (sent == cut) {
          body.flush();
          throw new IOException("test server: cutting the body after " + sent + " bytes");
        }
        if (sent == stall) {
          body.flush();
          closed.await();
          throw new IOException("test server: closed while stalled");
        }
        if (r.throttleChunk > 0) {
          body.flush();
          if (closed.await(r.throttlePause.toMillis(), TimeUnit.MILLISECONDS)) {
            throw new IOException("test server: closed while sending");
          }
        }
      }
      body.close();
    } catch (IOException e) {
      if (!String.valueOf(e.getMessage()).startsWith("test server")) {
        aborted.incrementAndGet();
      }
      throw e;
    }
  }

  private static boolean ifRangeHolds(Resource r, String ifRange) {
    if (ifRange == null) {
      return true;
    }
    if (ifRange.startsWith("\"") || ifRange.startsWith("W/")) {
      return ifRange.equals(r.etag) && !ifRange.startsWith("W/");
    }
    return ifRange.equals(r.lastModified);
  }

  private static Map<String, List<String>> copy(Headers headers) {
    Map<String, List<String>> map = new ConcurrentHashMap<>();
    headers.forEach((k, v) -> map.put(k, new ArrayList<>(v)));
    return map;
  }

  // ---- helpers for tests

  /** Deterministic pseudo-random bytes. */
  public static byte[] randomBytes(int size, long seed) {
    byte[] bytes = new byte[size];
    new Random(seed).nextBytes(bytes);
    return bytes;
  }

  /** The SHA-256 of bytes, lower-case hex. */
  public static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
