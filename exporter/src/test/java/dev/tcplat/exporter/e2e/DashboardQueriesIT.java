package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tcplat.exporter.grafana.AlertRules;
import dev.tcplat.exporter.grafana.Dashboard;
import dev.tcplat.exporter.grafana.NativeHistogramQueries;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every PromQL expression of the dashboard and of the alert rules, run by a real Prometheus
 * against a real exporter that has seen real handshakes: completed ones in both directions,
 * resets, timeouts and retransmitted SYNs. Each must parse, and each must return data, except
 * the few listed in {@link #EXPECTED_EMPTY} with the reason. Also checks the exposition with
 * {@code promtool check metrics}, and plots a few queried series to
 * {@code target/dashboard-queries-classic.png} (and {@code -native.png}).
 *
 * <p>The fake peer answers by destination port, so one peer address can be healthy, slow,
 * refusing or silent: IPv4 is a healthy peer (outbound and inbound every 200 ms, for as long as
 * the test runs, so that its rates never fall to zero), IPv6 a slow and failing one.
 */
class DashboardQueriesIT {
    private static final int HEALTHY_PORT = 8080;
    private static final int SLOW_PORT = 8081;
    private static final int REFUSING_PORT = 8082;
    private static final int SILENT_PORT = 8083;
    private static final int LOSSY_PORT = 8084;
    private static final Duration HEALTHY_DELAY = Duration.ofMillis(5);
    private static final Duration SLOW_DELAY = Duration.ofMillis(40);
    private static final int ROUNDS = 4;
    /** Long enough for a few 1 s scrapes after the traffic and for the 15 s baseline offset below. */
    private static final Duration DATA_TIMEOUT = Duration.ofSeconds(120);

    /**
     * Test values of the dashboard's variables: the real job and instance, every direction and
     * peer, and a 15 s baseline instead of a day (Prometheus has only this test's minute of
     * data), so the "change vs baseline" queries are run against data too.
     */
    private static Map<String, String> variables(ExporterProcess exporter) {
        Map<String, String> values = new LinkedHashMap<>();
        values.put("__rate_interval", "1m");
        values.put("datasource", "unused");
        values.put("job", PrometheusServer.JOB);
        values.put("instance", exporter.listenAddress().replace(".", "\\\\."));
        values.put("direction", ".*");
        values.put("peer", ".*");
        values.put("topk", "10");
        values.put("baseline", "15s");
        return values;
    }

    /** Alert expressions that are empty here by design: an alert's expression is its firing condition. */
    private static final Map<String, String> EXPECTED_EMPTY = Map.of(
            "alert TcplatPeerHandshakeRttAboveBaseline", "compares with one day earlier; this Prometheus has a minute of data",
            "alert TcplatRingBufferDrops", "no event is dropped: a few hundred events are far from filling the ring",
            "alert TcplatInterfaceNotAttached", "the exporter's one interface is attached",
            "alert TcplatExporterDown", "the exporter is up (until the end, where it is stopped and checked)",
            "alert TcplatExporterAbsent", "the exporter is scraped");

    @TempDir
    Path dir;

    private static final Pattern METRIC = Pattern.compile("\\b(tcplat_[a-z_]+|up)\\b(?!\\s*\\()");

    /**
     * Classic buckets (the exporter's default, which the dashboard queries), and native histograms
     * (config {@code histograms.native}) with every query rewritten as the README says.
     */
    @ParameterizedTest(name = "native histograms: {0}")
    @ValueSource(booleans = {false, true})
    void everyDashboardAndAlertQueryParsesAndReturnsData(boolean nativeHistograms) throws Exception {
        UnaryOperator<String> form = nativeHistograms ? NativeHistogramQueries::rewrite : UnaryOperator.identity();
        Path config = Files.writeString(dir.resolve("tcplat-exporter.yml"),
                "histograms:\n  native: " + nativeHistograms + "\n");
        Dashboard dashboard = Dashboard.load();
        List<AlertRules.Rule> rules = AlertRules.load();
        // Each SYN to the lossy port is answered only when retransmitted: one SYN retransmit per connection.
        SynPolicy lossy = SynPolicy.dropFirstThenSynAckAfter(HEALTHY_DELAY);
        SynPolicy byPort = syn -> switch (syn.dstPort()) {
            case HEALTHY_PORT -> new SynPolicy.Answer(SynPolicy.Kind.SYN_ACK, HEALTHY_DELAY);
            case SLOW_PORT -> new SynPolicy.Answer(SynPolicy.Kind.SYN_ACK, SLOW_DELAY);
            case REFUSING_PORT -> new SynPolicy.Answer(SynPolicy.Kind.RST, Duration.ZERO);
            case LOSSY_PORT -> lossy.answer(syn);
            default -> new SynPolicy.Answer(SynPolicy.Kind.IGNORE, Duration.ZERO);
        };
        try (NetworkNamespace ns = NetworkNamespace.create("dash");
                TunPeer peer = TunPeer.create(ns, TunPeer.DEFAULT_NAME, byPort);
                TcpListener listener = TcpListener.open(ns, peer.localAddress(IpFamily.V4));
                ExporterProcess exporter = ExporterProcess.start(ns, "--interface", peer.name(),
                        "--handshake.timeout", "1500ms", "--config.file", config.toString());
                PrometheusServer prometheus = PrometheusServer.start(ns, exporter.listenAddress())) {
            prometheus.awaitFirstScrape();
            Instant start = Instant.now();
            AtomicBoolean stop = new AtomicBoolean();
            Future<Void> healthy = ns.submit(() -> {
                while (!stop.get()) {
                    TcpClient.connectAndClose(ns, peer.peerAddress(IpFamily.V4), HEALTHY_PORT, 1);
                    peer.openConnections(IpFamily.V4, listener.port(), 1, Duration.ofMillis(2));
                    Thread.sleep(200);
                }
                return null;
            });
            try {
                makeTraffic(ns, peer, listener);
                Map<String, String> values = variables(exporter);
                List<Named> queries = new ArrayList<>();
                for (Dashboard.Query q : dashboard.queries()) {
                    queries.add(new Named(q.name(), form.apply(Dashboard.substitute(q.expr(), values))));
                }
                for (Dashboard.Query q : dashboard.variableQueries()) {
                    queries.add(new Named(q.panel(), Dashboard.substitute(q.expr(), values)));
                }
                for (AlertRules.Rule rule : rules) {
                    queries.add(new Named("alert " + rule.alert(), form.apply(rule.expr())));
                }
                assertThat(EXPECTED_EMPTY.keySet()).as("expected-empty entries name real queries")
                        .isSubsetOf(queries.stream().map(Named::name).toList());

                // Wait for enough scrapes that every rate has two points in its window.
                Await.until(() -> withoutData(prometheus, queries).isEmpty(), DATA_TIMEOUT,
                        () -> "queries still without data:\n" + describe(prometheus, queries) + prometheus.log());

                List<String> problems = new ArrayList<>();
                for (Named q : queries) {
                    JsonNode answer = prometheus.query(q.expr());
                    if (!answer.path("status").asText().equals("success")) {
                        problems.add(q.name() + " does not parse: " + answer.path("error").asText() + "\n  " + q.expr());
                    } else if (EXPECTED_EMPTY.containsKey(q.name()) == finite(answer)) {
                        problems.add(q.name() + (finite(answer) ? " has data but is listed as expected empty ("
                                + EXPECTED_EMPTY.get(q.name()) + ")" : " returns no data") + "\n  " + q.expr());
                    }
                }
                assertThat(problems).as(String.join("\n", problems)).isEmpty();
                System.out.printf("dashboard queries (%s histograms): %d run, %d with data, %d expected empty%n",
                        nativeHistograms ? "native" : "classic", queries.size(), queries.size() - EXPECTED_EMPTY.size(),
                        EXPECTED_EMPTY.size());

                // The alert expressions expected to be empty still must name series that exist.
                for (AlertRules.Rule rule : rules) {
                    for (String metric : metricsIn(form.apply(rule.expr()))) {
                        JsonNode answer = prometheus.query("count(" + metric + ")");
                        assertThat(finite(answer)).as("alert " + rule.alert() + ": no series " + metric).isTrue();
                    }
                }

                Path scrape = Files.writeString(dir.resolve("scrape.txt"), exporter.scrape().text());
                Promtool.Result lint = Promtool.run(scrape, "check", "metrics");
                assertThat(lint.exitCode()).as(lint::toString).isZero();
                assertThat(lint.output()).as("promtool check metrics reports no problem").isBlank();

                plot(prometheus, start, values, form, nativeHistograms ? "native" : "classic");
                drawDashboard(prometheus, dashboard, start, values, form, nativeHistograms ? "native" : "classic");

                // Stopped, the exporter is what the down alert is for: its expression must find it.
                String down = rules.stream().filter(r -> r.alert().equals("TcplatExporterDown")).findFirst()
                        .orElseThrow().expr();
                exporter.stop();
                Await.until(() -> finite(prometheus.query(down)), Duration.ofSeconds(20),
                        () -> "no data for " + down + " after the exporter stopped\n" + prometheus.log());
            } finally {
                stop.set(true);
            }
            // Outside the finally, so that a failed connection of the healthy peer is reported
            // but never hides a failure above.
            healthy.get(30, TimeUnit.SECONDS);
        }
    }

    /**
     * Rounds of: slow completed handshakes, a refused and an unanswered one, and one that needs
     * a retransmitted SYN (to IPv6); inbound handshakes from IPv4. Spread over several 1 s scrapes,
     * so rates over them see the counters move.
     */
    private static void makeTraffic(NetworkNamespace ns, TunPeer peer, TcpListener listener) throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            TcpClient.connectAndClose(ns, peer.peerAddress(IpFamily.V6), SLOW_PORT, 3);
            assertThat(TcpClient.connect(ns, peer.peerAddress(IpFamily.V6), REFUSING_PORT, 3000))
                    .isEqualTo(TcpClient.Outcome.REFUSED);
            assertThat(TcpClient.connect(ns, peer.peerAddress(IpFamily.V6), SILENT_PORT, 1200))
                    .isEqualTo(TcpClient.Outcome.TIMED_OUT);
            TcpClient.connectAndClose(ns, peer.peerAddress(IpFamily.V6), LOSSY_PORT, 1);
            assertThat(peer.openConnections(IpFamily.V4, listener.port(), 3, Duration.ofMillis(2)))
                    .allMatch(e -> e.outcome() == TunPeer.ClientOutcome.SYN_ACK);
        }
    }

    private record Named(String name, String expr) {}

    /** The queries not expected to be empty that have no finite sample yet. */
    private static List<Named> withoutData(PrometheusServer prometheus, List<Named> queries) throws Exception {
        List<Named> empty = new ArrayList<>();
        for (Named q : queries) {
            if (!EXPECTED_EMPTY.containsKey(q.name()) && !finite(prometheus.query(q.expr()))) {
                empty.add(q);
            }
        }
        return empty;
    }

    /**
     * Whether an instant query's answer has at least one sample with a finite value, or a native
     * histogram with observations (the heatmap's query returns one with native histograms).
     */
    private static boolean finite(JsonNode answer) {
        for (JsonNode sample : answer.path("data").path("result")) {
            if (sample.has("histogram")) {
                if (Double.parseDouble(sample.path("histogram").path(1).path("count").asText("0")) > 0) {
                    return true;
                }
                continue;
            }
            double value = Double.parseDouble(sample.path("value").path(1).asText("NaN"));
            if (Double.isFinite(value)) {
                return true;
            }
        }
        return false;
    }

    private static String describe(PrometheusServer prometheus, List<Named> queries) {
        StringBuilder out = new StringBuilder();
        for (Named q : queries) {
            try {
                JsonNode answer = prometheus.query(q.expr());
                out.append(q.name()).append(": ").append(answer.path("status").asText()).append(' ')
                        .append(answer.path("error").asText("")).append(' ')
                        .append(answer.path("data").path("result")).append('\n');
            } catch (Exception e) {
                out.append(q.name()).append(": ").append(e).append('\n');
            }
        }
        return out.toString();
    }

    private static TreeSet<String> metricsIn(String expr) {
        TreeSet<String> names = new TreeSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            names.add(m.group(1));
        }
        return names;
    }

    /** p99 RTT per peer and failures per second by reason, as the dashboard queries them. */
    private static void plot(PrometheusServer prometheus, Instant start, Map<String, String> values,
            UnaryOperator<String> form, String name) throws Exception {
        Instant end = Instant.now();
        String p99 = form.apply(Dashboard.substitute("histogram_quantile(0.99, sum by (direction, peer, le) "
                + "(rate(tcplat_handshake_rtt_seconds_bucket{job=~\"$job\"}[$__rate_interval])))", values));
        String failures = Dashboard.substitute("sum by (direction, peer, reason) "
                + "(rate(tcplat_handshake_failures_total{job=~\"$job\"}[$__rate_interval]))", values);
        List<SeriesPlot.Chart> charts = List.of(
                new SeriesPlot.Chart("Handshake RTT p99 per peer (rate over 1m, " + name + " histograms)", "ms", 1e3,
                        series(prometheus.queryRange(p99, start, end, Duration.ofSeconds(1)), start, "peer", "direction")),
                new SeriesPlot.Chart("Handshake failures per second (rate over 1m)", "/s", 1,
                        series(prometheus.queryRange(failures, start, end, Duration.ofSeconds(1)), start, "peer",
                                "direction", "reason")));
        Path png = ExporterProcess.jar().toAbsolutePath().getParent().resolve("dashboard-queries-" + name + ".png");
        SeriesPlot.write(png, charts);
        System.out.println("dashboard query plot: " + png);
    }

    /**
     * The whole dashboard, every panel where its gridPos puts it, drawn from the data Prometheus
     * returns for its queries over the test ({@link DashboardPicture}) to
     * {@code target/dashboard-<name>.png}.
     */
    private static void drawDashboard(PrometheusServer prometheus, Dashboard dashboard, Instant start,
            Map<String, String> values, UnaryOperator<String> form, String name) throws Exception {
        Instant end = Instant.now();
        Map<String, JsonNode> ranges = new LinkedHashMap<>();
        Map<String, JsonNode> instant = new LinkedHashMap<>();
        for (JsonNode panel : dashboard.panels()) {
            for (JsonNode target : panel.path("targets")) {
                String expr = form.apply(Dashboard.substitute(target.path("expr").asText(), values));
                String key = DashboardPicture.key(panel, target);
                ranges.put(key, prometheus.queryRange(expr, start, end, Duration.ofSeconds(1)).path("data").path("result"));
                instant.put(key, prometheus.query(expr).path("data").path("result"));
            }
        }
        Path png = ExporterProcess.jar().toAbsolutePath().getParent().resolve("dashboard-" + name + ".png");
        DashboardPicture.draw(dashboard, ranges, instant, values, png);
        assertThat(png).isNotEmptyFile();
        System.out.println("dashboard picture: " + png);
    }

    private static List<SeriesPlot.Series> series(JsonNode answer, Instant start, String... labels) {
        List<SeriesPlot.Series> out = new ArrayList<>();
        for (JsonNode result : answer.path("data").path("result")) {
            List<double[]> points = new ArrayList<>();
            for (JsonNode point : result.path("values")) {
                points.add(new double[] {point.path(0).asDouble() - start.getEpochSecond(),
                        Double.parseDouble(point.path(1).asText())});
            }
            String name = java.util.Arrays.stream(labels).map(l -> result.path("metric").path(l).asText())
                    .collect(Collectors.joining(" "));
            out.add(new SeriesPlot.Series(name, points));
        }
        return out;
    }
}
