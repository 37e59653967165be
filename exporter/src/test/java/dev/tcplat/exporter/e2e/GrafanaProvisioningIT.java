package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tcplat.exporter.grafana.Dashboard;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.Testcontainers;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.MountableFile;

/**
 * The dashboard file-provisioned into a real Grafana (a container), as README's "Grafana dashboard
 * and alerts" describes, whose Prometheus data source is this test's real Prometheus, scraping
 * the exporter after {@link DashboardTraffic}: Grafana must load the dashboard under its uid with
 * every panel and variable, and answer every panel's query through its own query API
 * ({@code /api/ds/query}, which also interpolates {@code $__rate_interval}) with data.
 *
 * <p>Needs Docker; Testcontainers' own detection decides, and without Docker the test is skipped
 * saying so. Prometheus runs in the exporter's namespace as in the other tests; a
 * {@link LoopbackRelay} makes it reachable on the host's loopback, and Testcontainers'
 * host-port exposure ({@code host.testcontainers.internal}) makes that reachable from the container.
 */
class GrafanaProvisioningIT {
    static final String GRAFANA_IMAGE = "grafana/grafana:11.2.0";
    private static final String DATASOURCE_UID = "tcplat-prometheus";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void everyPanelQueryAnswersThroughGrafana() throws Exception {
        assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "skipped: Testcontainers found no Docker environment; this test provisions the dashboard into a real"
                        + " Grafana container (" + GRAFANA_IMAGE + "). Run it where Docker works, as the README's"
                        + " 'Grafana dashboard and alerts' section says.");
        Path config = Files.writeString(dir.resolve("tcplat-exporter.yml"),
                "peers:\n  addresses_per_direction: 1\n  prefixes_per_direction: 0\n");
        DashboardTraffic traffic = new DashboardTraffic();
        try (NetworkNamespace ns = NetworkNamespace.create("grafana");
                TunPeer peer = TunPeer.create(ns, TunPeer.DEFAULT_NAME, traffic::answer);
                TcpListener listener = TcpListener.open(ns, peer.localAddress(IpFamily.V4));
                ExporterProcess exporter = ExporterProcess.start(ns, "--interface", peer.name(),
                        "--config.file", config.toString(), "--handshake.timeout", "2s");
                PrometheusServer prometheus = PrometheusServer.start(ns, exporter.listenAddress());
                LoopbackRelay relay = LoopbackRelay.open(ns, "127.0.0.1", prometheus.port())) {
            prometheus.awaitFirstScrape();
            traffic.run(ns, peer, listener);

            Testcontainers.exposeHostPorts(relay.port());
            try (GenericContainer<?> grafana = grafana(relay.port())) {
                grafana.start();
                String base = "http://" + grafana.getHost() + ":" + grafana.getMappedPort(3000);
                Dashboard dashboard = Dashboard.load();

                JsonNode loaded = get(base + "/api/dashboards/uid/" + dashboard.root().path("uid").asText())
                        .path("dashboard");
                assertThat(loaded.path("title").asText()).isEqualTo(dashboard.root().path("title").asText());
                assertThat(titles(loaded)).containsExactlyElementsOf(titles(dashboard.root()));
                assertThat(loaded.path("templating").path("list").size())
                        .isEqualTo(dashboard.root().path("templating").path("list").size());
                assertThat(grafana.getLogs()).doesNotContainIgnoringCase("failed to load dashboard");

                List<String> empty = new ArrayList<>();
                for (JsonNode panel : dashboard.panels()) {
                    for (JsonNode target : panel.path("targets")) {
                        String name = "panel \"" + panel.path("title").asText() + "\" query "
                                + target.path("refId").asText();
                        JsonNode answer = query(base, target).path("results").path(target.path("refId").asText());
                        assertThat(answer.path("error").asText("")).as(name).isEmpty();
                        if (!hasValues(answer)) {
                            empty.add(name + " -> " + answer);
                        }
                    }
                }
                assertThat(empty).as("panel queries Grafana answered without data\n" + grafana.getLogs()).isEmpty();
            }
        }
    }

    private GenericContainer<?> grafana(int prometheusPort) {
        String datasources = """
                apiVersion: 1
                datasources:
                  - name: Prometheus
                    type: prometheus
                    uid: %s
                    access: proxy
                    url: http://host.testcontainers.internal:%d
                    isDefault: true
                """.formatted(DATASOURCE_UID, prometheusPort);
        String dashboards = """
                apiVersion: 1
                providers:
                  - name: tcplat
                    type: file
                    options:
                      path: /var/lib/grafana/dashboards
                """;
        return new GenericContainer<>(GRAFANA_IMAGE)
                .withExposedPorts(3000)
                .withCopyToContainer(Transferable.of(datasources), "/etc/grafana/provisioning/datasources/tcplat.yml")
                .withCopyToContainer(Transferable.of(dashboards), "/etc/grafana/provisioning/dashboards/tcplat.yml")
                .withCopyFileToContainer(MountableFile.forHostPath(Dashboard.path()),
                        "/var/lib/grafana/dashboards/tcplat-exporter.json")
                .waitingFor(Wait.forHttp("/api/health").forStatusCode(200))
                .withStartupTimeout(Duration.ofMinutes(2));
    }

    /**
     * One panel target as Grafana's query API takes it: the dashboard's variables on "All" (a
     * 15 s baseline, as Prometheus has only this test's data), Grafana's own left to Grafana.
     */
    private static JsonNode query(String base, JsonNode target) throws Exception {
        Map<String, String> values = new HashMap<>(Map.of("job", PrometheusServer.JOB, "instance", ".*",
                "direction", ".*", "peer", ".*", "topk", "10", "baseline", "15s"));
        for (String builtIn : List.of("__rate_interval", "__interval", "__range")) {
            values.put(builtIn, "$" + builtIn);
        }
        boolean instant = target.path("instant").asBoolean(false);
        ObjectNode body = JSON.createObjectNode();
        body.put("from", "now-5m");
        body.put("to", "now");
        ArrayNode queries = body.putArray("queries");
        ObjectNode q = queries.addObject();
        q.put("refId", target.path("refId").asText());
        q.putObject("datasource").put("type", "prometheus").put("uid", DATASOURCE_UID);
        q.put("expr", Dashboard.substitute(target.path("expr").asText(), values));
        q.put("instant", instant);
        q.put("range", !instant);
        q.put("format", target.path("format").asText("time_series"));
        q.put("intervalMs", 15000);
        q.put("maxDataPoints", 300);
        return send(HttpRequest.newBuilder(URI.create(base + "/api/ds/query"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    private static List<String> titles(JsonNode dashboard) {
        return StreamSupport.stream(dashboard.path("panels").spliterator(), false)
                .map(p -> p.path("title").asText()).toList();
    }

    /** Whether any frame of a query result holds at least one value. */
    private static boolean hasValues(JsonNode answer) {
        for (JsonNode frame : answer.path("frames")) {
            for (JsonNode column : frame.path("data").path("values")) {
                if (column.size() > 0) {
                    return true;
                }
            }
        }
        return false;
    }

    private static JsonNode get(String url) throws Exception {
        return send(HttpRequest.newBuilder(URI.create(url)).GET());
    }

    private static JsonNode send(HttpRequest.Builder request) throws Exception {
        String auth = Base64.getEncoder().encodeToString("admin:admin".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                request.header("Authorization", "Basic " + auth).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.uri() + ": " + response.body()).isEqualTo(200);
        return JSON.readTree(response.body());
    }
}
