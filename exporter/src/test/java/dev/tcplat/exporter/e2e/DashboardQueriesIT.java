package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every query of the Grafana dashboard and of the Prometheus rules, run through a real
 * Prometheus that scrapes the exporter while real handshakes succeed, fail and retransmit behind
 * a tun: each must parse and each must return data, so no panel stays empty on a working
 * exporter. The dashboard's variables are substituted as Grafana does with "All" selected.
 *
 * <p>{@link DashboardTraffic} makes every panel have something to show: fast and slow, refused,
 * unanswered and retransmitted handshakes both ways, and peers beyond the label budget. At the end
 * the exporter is stopped, so the "exporter down" rule has a target to report.
 *
 * <p>With native histograms on, the dashboard's queries are rewritten as the README says
 * ({@link NativeHistogramQueries}) and must return data just the same.
 *
 * <p>The classic run also draws what the dashboard would show into
 * {@code target/grafana/dashboard.png}, for a person to look at.
 */
class DashboardQueriesIT {
    private static final Duration QUERY_SETTLE = Duration.ofSeconds(20);
    /**
     * Alerts that stay quiet in this test because what they watch cannot be made to happen here
     * cheaply; rules_test.yml (promtool) shows each of them firing on synthetic series. Their
     * expressions must still parse and evaluate.
     */
    private static final Set<String> QUIET_ALERTS = Set.of(
            "TcplatRingbufDrops", // needs the kernel's ring buffer overrun
            "TcplatInterfaceNotAttached"); // needs an interface the exporter fails to attach to
    private static final Map<String, String> ALL_SELECTED = Map.of(
            "job", PrometheusServer.JOB, "instance", ".*", "direction", ".*", "peer", ".*", "topn", "10",
            "__rate_interval", "1m", "__interval", "15s", "__range", "5m");
    private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\((.*),\\s*(\\w+)\\)");

    @TempDir
    Path dir;

    @ParameterizedTest(name = "native histograms: {0}")
    @ValueSource(booleans = {false, true})
    void everyQueryParsesAndReturnsData(boolean nativeHistograms) throws Exception {
        Path config = Files.writeString(dir.resolve("tcplat-exporter.yml"), """
                peers:
                  addresses_per_direction: 1
                  prefixes_per_direction: 0
                histograms:
                  native: %s
                """.formatted(nativeHistograms));
        Path rules = Dashboard.repositoryRoot().resolve("deploy").resolve("prometheus").resolve("rules.yml");
        DashboardTraffic traffic = new DashboardTraffic();
        try (NetworkNamespace ns = NetworkNamespace.create("dash");
                TunPeer peer = TunPeer.create(ns, TunPeer.DEFAULT_NAME, traffic::answer);
                TcpListener listener = TcpListener.open(ns, peer.localAddress(IpFamily.V4));
                ExporterProcess exporter = ExporterProcess.start(ns, "--interface", peer.name(),
                        "--config.file", config.toString(), "--handshake.timeout", "2s");
                PrometheusServer prometheus = PrometheusServer.start(ns, exporter.listenAddress(), rules)) {
            prometheus.awaitUp(Duration.ofSeconds(20));
            double start = System.currentTimeMillis() / 1e3;
            traffic.run(ns, peer, listener);

            Dashboard dashboard = Dashboard.load();
            List<String> empty = new ArrayList<>();
            Map<Dashboard.Query, JsonNode> instant = new LinkedHashMap<>();
            for (Dashboard.Query query : dashboard.queries()) {
                String expr = Dashboard.substitute(query.expr(), ALL_SELECTED);
                if (nativeHistograms) {
                    expr = NativeHistogramQueries.rewrite(expr);
                }
                PrometheusServer.Answer answer = awaitData(prometheus, expr);
                if (answer.result().isEmpty()) {
                    empty.add(query + "\n    sent: " + expr);
                }
                instant.put(query, answer.result());
            }
            for (JsonNode variable : dashboard.variables()) {
                Matcher labelValues = LABEL_VALUES.matcher(variable.path("query").asText());
                if (labelValues.matches()) {
                    String expr = "count by (" + labelValues.group(2) + ") ("
                            + Dashboard.substitute(labelValues.group(1), ALL_SELECTED) + ")";
                    if (awaitData(prometheus, expr).result().isEmpty()) {
                        empty.add("variable $" + variable.path("name").asText() + ": " + expr);
                    }
                }
            }
            checkRules(prometheus, empty);
            checkRelay(ns, prometheus);
            assertThat(empty).as("queries that returned no data\n" + exporter.log() + "\n" + prometheus.log())
                    .isEmpty();

            if (!nativeHistograms) {
                double end = System.currentTimeMillis() / 1e3;
                Map<Dashboard.Query, JsonNode> ranges = new LinkedHashMap<>();
                for (Dashboard.Query query : dashboard.queries()) {
                    String expr = Dashboard.substitute(query.expr(), ALL_SELECTED);
                    ranges.put(query, prometheus.queryRange(expr, start, end, 1).result());
                }
                Path picture = ExporterProcess.jar().toAbsolutePath().getParent().resolve("grafana")
                        .resolve("dashboard.png");
                DashboardPicture.draw(dashboard, ranges, instant, picture);
                assertThat(picture).isNotEmptyFile();
            }

            exporter.stop();
            String down = ruleExpression(prometheus, "TcplatExporterDown");
            Await.until(() -> !prometheus.query(down).result().isEmpty(), QUERY_SETTLE,
                    () -> "no data for " + down + "\n" + prometheus.describeTargets());
        }
    }

    /**
     * The API answers on the root namespace's loopback through a {@link LoopbackRelay} as it does
     * inside the namespace: what GrafanaProvisioningIT's container relies on.
     */
    private static void checkRelay(NetworkNamespace ns, PrometheusServer prometheus) throws Exception {
        try (LoopbackRelay relay = LoopbackRelay.open(ns, "127.0.0.1", prometheus.port())) {
            HttpResponse<String> up = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + relay.port() + "/api/v1/query?query=up")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(up.statusCode()).isEqualTo(200);
            assertThat(up.body()).contains("\"job\":\"" + PrometheusServer.JOB + "\"");
        }
    }

    /**
     * Every rule Prometheus loaded from rules.yml evaluates without error; every recording rule
     * and every alert expression returns data, except the alerts listed in {@link #QUIET_ALERTS}
     * and the exporter-down alert, which is checked once the exporter is stopped.
     */
    private static void checkRules(PrometheusServer prometheus, List<String> empty) throws Exception {
        List<JsonNode> rules = loadedRules(prometheus);
        assertThat(rules).as("rules loaded from rules.yml").hasSizeGreaterThanOrEqualTo(9);
        for (JsonNode rule : rules) {
            String name = rule.has("name") ? rule.path("name").asText() : "";
            String expr = rule.path("query").asText();
            PrometheusServer.Answer answer = awaitData(prometheus, expr);
            assertThat(answer.ok()).as(name + ": " + answer.body()).isTrue();
            boolean expectData = !QUIET_ALERTS.contains(name) && !name.equals("TcplatExporterDown");
            if (expectData && answer.result().isEmpty()) {
                empty.add("rule " + name + ": " + expr);
            }
        }
        Await.until(() -> loadedRules(prometheus).stream().allMatch(r -> r.path("health").asText().equals("ok")),
                QUERY_SETTLE, () -> "rules not healthy: " + describeRules(prometheus));
    }

    private static List<JsonNode> loadedRules(PrometheusServer prometheus) throws Exception {
        List<JsonNode> rules = new ArrayList<>();
        for (JsonNode group : prometheus.rules().path("data").path("groups")) {
            group.path("rules").forEach(rules::add);
        }
        return rules;
    }

    private static String describeRules(PrometheusServer prometheus) {
        try {
            return prometheus.rules().toString();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static String ruleExpression(PrometheusServer prometheus, String alert) throws Exception {
        return loadedRules(prometheus).stream().filter(r -> r.path("name").asText().equals(alert))
                .map(r -> r.path("query").asText()).findFirst().orElseThrow();
    }

    /**
     * Queries {@code expr} until it returns data or {@link #QUERY_SETTLE} passes: the last
     * events need a scrape, and recording rules an evaluation, before they show. A query
     * Prometheus rejects fails at once.
     */
    private static PrometheusServer.Answer awaitData(PrometheusServer prometheus, String expr) throws Exception {
        long deadline = System.nanoTime() + QUERY_SETTLE.toNanos();
        while (true) {
            PrometheusServer.Answer answer = prometheus.query(expr);
            assertThat(answer.ok()).as("Prometheus rejected %s: %s", expr, answer.error()).isTrue();
            if (!answer.result().isEmpty() || System.nanoTime() - deadline >= 0) {
                return answer;
            }
            Thread.sleep(500);
        }
    }
}
