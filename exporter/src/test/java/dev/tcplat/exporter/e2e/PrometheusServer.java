package dev.tcplat.exporter.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * A real Prometheus server (Debian's {@code prometheus} binary) scraping one exporter every
 * second, run inside the exporter's network namespace so it reaches the exporter's loopback
 * address directly: {@code ip netns exec NS prometheus --config.file ... --web.listen-address
 * 127.0.0.1:PORT --enable-feature=native-histograms}.
 *
 * <p>It is this test's own instance: its own config, its own TSDB in a temporary directory, a
 * free port on the namespace's loopback. A host-wide Prometheus service that installing the
 * Debian package may have started is never touched or reached. {@link #close()} stops it (SIGTERM,
 * then SIGKILL) and deletes its directory; a shutdown hook kills it if the test JVM ends first.
 *
 * <p>The HTTP API is queried from a thread inside the namespace, as {@link Scraper} does.
 */
final class PrometheusServer implements AutoCloseable {
    static final String BINARY = "prometheus";
    static final String JOB = "tcplat";
    private static final String HOST = "127.0.0.1";
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<Process> LIVE = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(() -> LIVE.forEach(Process::destroyForcibly),
                "prometheus-cleanup"));
    }

    private final NetworkNamespace ns;
    private final Path dir;
    private final Process process;
    private final Path log;
    private final int port;

    private PrometheusServer(NetworkNamespace ns, Path dir, Process process, Path log, int port) {
        this.ns = ns;
        this.dir = dir;
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /**
     * Starts Prometheus in {@code ns}, scraping {@code target} ({@code host:port} as seen from
     * inside {@code ns}) as job {@value #JOB} every second, evaluating {@code ruleFiles} every
     * second; returns once it is ready. Native histograms are enabled, so it asks for the protobuf
     * format and keeps native histograms where the exporter exposes them.
     */
    static PrometheusServer start(NetworkNamespace ns, String target, Path... ruleFiles) throws Exception {
        Path dir = Files.createTempDirectory("tcplat-prometheus-");
        try {
            int port = ExporterProcess.freePort(ns);
            Path config = Files.writeString(dir.resolve("prometheus.yml"), config(target, ruleFiles));
            Path log = ExporterProcess.logDirectory().resolve(ns.name() + "-prometheus-" + port + ".log");
            List<String> command = List.of("ip", "netns", "exec", ns.name(), BINARY,
                    "--config.file=" + config,
                    "--storage.tsdb.path=" + dir.resolve("data"),
                    "--web.listen-address=" + HOST + ":" + port,
                    "--enable-feature=native-histograms",
                    "--log.level=warn");
            Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(new File("/dev/null")).start();
            LIVE.add(process);
            PrometheusServer server = new PrometheusServer(ns, dir, process, log, port);
            try {
                server.awaitReady();
                return server;
            } catch (Throwable e) {
                server.close();
                throw e;
            }
        } catch (Throwable e) {
            if (Files.exists(dir)) {
                delete(dir);
            }
            throw e;
        }
    }

    /** Whether Debian's prometheus binary is installed ({@code scripts/install-deps.sh --test}). */
    static boolean installed() {
        return Stream.of(System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(File.pathSeparator))
                .anyMatch(d -> Files.isExecutable(Path.of(d, BINARY)));
    }

    private static String config(String target, Path[] ruleFiles) {
        StringBuilder yaml = new StringBuilder("""
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: %s
                    static_configs:
                      - targets: ["%s"]
                """.formatted(JOB, target));
        if (ruleFiles.length > 0) {
            yaml.append("rule_files:\n");
            for (Path file : ruleFiles) {
                yaml.append("  - \"").append(file.toAbsolutePath()).append("\"\n");
            }
        }
        return yaml.toString();
    }

    private void awaitReady() throws InterruptedException {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (true) {
            if (!process.isAlive()) {
                throw new AssertionError("prometheus exited with " + process.exitValue() + " before it was ready\n"
                        + log());
            }
            try {
                if (get("/-/ready").status() == 200) {
                    return;
                }
            } catch (Exception e) {
                // not listening yet
            }
            if (System.nanoTime() - deadline >= 0) {
                throw new AssertionError("prometheus not ready after " + READY_TIMEOUT.toSeconds() + " s\n" + log());
            }
            Thread.sleep(100);
        }
    }

    /** The answer of a query: {@code status}, and {@code data} or {@code errorType}/{@code error}. */
    record Answer(String expression, JsonNode body) {
        boolean ok() {
            return "success".equals(body.path("status").asText());
        }

        String error() {
            return body.path("errorType").asText() + ": " + body.path("error").asText();
        }

        /** The result vector or matrix (empty when the expression matched nothing). */
        JsonNode result() {
            return body.path("data").path("result");
        }

        /** The value of the only sample of an instant vector; fails when there is not exactly one. */
        double single() {
            if (!ok() || result().size() != 1) {
                throw new AssertionError("expected one sample from " + expression + ", got " + body);
            }
            return Double.parseDouble(result().get(0).path("value").get(1).asText());
        }
    }

    /** An instant query at the current time ({@code /api/v1/query}). */
    Answer query(String promql) throws Exception {
        return new Answer(promql, api("/api/v1/query?query=" + encode(promql)));
    }

    /**
     * A range query ({@code /api/v1/query_range}) over {@code [start, end]} (Unix seconds) with
     * {@code step} seconds between points.
     */
    Answer queryRange(String promql, double start, double end, double step) throws Exception {
        return new Answer(promql, api("/api/v1/query_range?query=" + encode(promql) + "&start=" + start + "&end="
                + end + "&step=" + step));
    }

    /** The scrape targets' state ({@code /api/v1/targets}): {@code data.activeTargets[]}. */
    JsonNode targets() throws Exception {
        return api("/api/v1/targets");
    }

    /** The loaded rule groups and each rule's health ({@code /api/v1/rules}). */
    JsonNode rules() throws Exception {
        return api("/api/v1/rules");
    }

    /** Waits until the exporter has been scraped successfully at least once ({@code up == 1}). */
    void awaitUp(Duration timeout) throws Exception {
        Await.until(() -> {
            Answer up = query("up{job=\"" + JOB + "\"}");
            return up.ok() && up.result().size() == 1 && up.single() == 1;
        }, timeout, this::describeTargets);
    }

    /** The targets' state and the server's log, for failure messages. */
    String describeTargets() {
        try {
            return targets().toString() + "\n" + log();
        } catch (Exception e) {
            return "targets unavailable: " + e + "\n" + log();
        }
    }

    private JsonNode api(String pathAndQuery) throws Exception {
        Scraper.Reply reply = get(pathAndQuery);
        // The API answers 400 (bad_data) and 422 (execution) with a JSON body that says why.
        if (!reply.contentType().startsWith("application/json")) {
            throw new IOException("GET " + pathAndQuery + " answered " + reply.status() + ": " + reply.text());
        }
        return JSON.readTree(reply.body());
    }

    private Scraper.Reply get(String pathAndQuery) throws Exception {
        return ns.call(() -> Scraper.request(HOST, port, pathAndQuery, "application/json"));
    }

    private static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** Where the API listens inside the namespace. */
    int port() {
        return port;
    }

    /** Everything the server logged so far. */
    String log() {
        try {
            return "--- prometheus log (" + log + "):\n"
                    + (Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "") + "---";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops the server (SIGTERM, then SIGKILL) and deletes its data. Never throws. */
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
            delete(dir);
        }
    }

    private static void delete(Path root) {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).collect(Collectors.toList())) {
                Files.deleteIfExists(path);
            }
        } catch (IOException e) {
            // A leftover temporary directory is harmless; the test's outcome matters more.
        }
    }
}
