package dev.tcplat.exporter.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real Prometheus server (Debian's {@code prometheus} binary) scraping one exporter every
 * second, run inside the exporter's namespace ({@code ip netns exec}) so that it reaches the
 * exporter's {@code 127.0.0.1:PORT}. Its configuration and TSDB live in a temporary directory of
 * its own; {@link #close()} stops it and deletes that directory, and a shutdown hook kills it if
 * the test JVM ends first. Native histograms are enabled as a production server would have them,
 * so the test also covers the protobuf scrape that comes with that feature.
 */
final class PrometheusServer implements AutoCloseable {
    static final Path BINARY = Path.of("/usr/bin/prometheus");
    static final String JOB = "tcplat";
    private static final String HOST = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(15);
    private static final int HTTP_TIMEOUT_MS = 10_000;
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();
    private static final ObjectMapper JSON = new ObjectMapper();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "prometheus-cleanup"));
    }

    private final NetworkNamespace ns;
    private final Path directory;
    private final Process process;
    private final Path log;
    private final int port;

    private PrometheusServer(NetworkNamespace ns, Path directory, Process process, Path log, int port) {
        this.ns = ns;
        this.directory = directory;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** Starts Prometheus in {@code ns}, scraping {@code target} (host:port) as job {@value #JOB}. */
    static PrometheusServer start(NetworkNamespace ns, String target) throws Exception {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError(BINARY + " not found: install the test dependencies with"
                    + " scripts/install-deps.sh --test (Debian package prometheus)");
        }
        Path directory = Files.createTempDirectory("tcplat-prometheus-");
        try {
            Path config = directory.resolve("prometheus.yml");
            Files.writeString(config, String.join("\n",
                    "global:",
                    "  scrape_interval: 1s",
                    "  scrape_timeout: 1s",
                    "  evaluation_interval: 1s",
                    "scrape_configs:",
                    "  - job_name: " + JOB,
                    "    static_configs:",
                    "      - targets: ['" + target + "']",
                    ""));
            int port = freePort(ns);
            Path log = directory.resolve("prometheus.log");
            List<String> command = List.of("ip", "netns", "exec", ns.name(), BINARY.toString(),
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + directory.resolve("data"),
                    "--web.listen-address=" + HOST + ":" + port,
                    "--enable-feature=native-histograms");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(new File("/dev/null")).start();
            LIVE.add(process);
            PrometheusServer server = new PrometheusServer(ns, directory, process, log, port);
            try {
                server.awaitReady();
                return server;
            } catch (Throwable e) {
                server.close();
                throw e;
            }
        } catch (Throwable e) {
            deleteRecursively(directory);
            throw e;
        }
    }

    private static int freePort(NetworkNamespace ns) throws Exception {
        return ns.call(() -> {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
                return socket.getLocalPort();
            }
        });
    }

    private void awaitReady() throws InterruptedException {
        Await.until(() -> {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited with " + process.exitValue() + "\n" + log());
            }
            return get("/-/ready").status() == 200;
        }, READY_TIMEOUT, () -> "prometheus not ready\n" + log());
    }

    /**
     * Waits until Prometheus has scraped its target once. It applies discovered targets only
     * every 5 s, so the first scrape comes seconds after it is ready; a counter's increase
     * before its first scrape is invisible to rate() and increase().
     */
    void awaitFirstScrape() throws InterruptedException {
        Await.until(() -> query("up{job=\"" + JOB + "\"} == 1").path("data").path("result").size() == 1,
                READY_TIMEOUT, () -> "prometheus has not scraped its target\n" + log());
    }

    /** Where the HTTP API listens on the namespace's loopback (for a {@link LoopbackRelay}). */
    int port() {
        return port;
    }

    /** An HTTP answer: status code and body. */
    record Response(int status, String body) {}

    /** The answer of the query API to an instant query of {@code expr}, whatever its status. */
    JsonNode query(String expr) throws Exception {
        return api("/api/v1/query?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8));
    }

    /** A range query from {@code start} to now, one point every {@code step}. */
    JsonNode queryRange(String expr, Instant start, Instant end, Duration step) throws Exception {
        return api("/api/v1/query_range?query=" + URLEncoder.encode(expr, StandardCharsets.UTF_8)
                + "&start=" + start.getEpochSecond() + "&end=" + end.getEpochSecond()
                + "&step=" + step.toSeconds());
    }

    private JsonNode api(String pathAndQuery) throws Exception {
        Response response = get(pathAndQuery);
        // The API answers errors (a bad expression: 400) with a JSON body saying why.
        return JSON.readTree(response.body());
    }

    /** GET from inside the namespace; HTTP/1.0, so the server closes after the body. */
    Response get(String pathAndQuery) throws Exception {
        return ns.call(() -> {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(HOST, port), HTTP_TIMEOUT_MS);
                socket.setSoTimeout(HTTP_TIMEOUT_MS);
                OutputStream out = socket.getOutputStream();
                out.write(("GET " + pathAndQuery + " HTTP/1.0\r\nHost: " + HOST + ":" + port + "\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII));
                out.flush();
                ByteArrayOutputStream all = new ByteArrayOutputStream();
                socket.getInputStream().transferTo(all);
                String text = all.toString(StandardCharsets.UTF_8);
                int headerEnd = text.indexOf("\r\n\r\n");
                if (headerEnd < 0) {
                    throw new IOException("truncated HTTP response from prometheus: " + text);
                }
                int status = Integer.parseInt(text.substring(0, headerEnd).split(" ", 3)[1]);
                return new Response(status, text.substring(headerEnd + 4));
            }
        });
    }

    /** Everything Prometheus logged so far, for failure messages. */
    String log() {
        try {
            return "--- prometheus log:\n" + (Files.exists(log) ? Files.readString(log) : "") + "---";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops Prometheus (SIGTERM, then SIGKILL) and deletes its directory. Never throws. */
    @Override
    public void close() {
        try {
            if (process.isAlive()) {
                process.destroy();
                if (!process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                    process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                }
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            LIVE.remove(process);
            deleteRecursively(directory);
        }
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> files = Files.walk(directory)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        } catch (IOException e) {
            // Best effort: a leftover temporary directory is not worth failing a test for.
        }
    }
}
