package dev.tcplat.exporter.grafana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The dashboard file-provisioned into a real Grafana, as README's "Grafana dashboard and alerts"
 * describes: a dashboard provider pointing at a directory with the JSON, and a Prometheus data
 * source. Grafana must load it under its uid with every panel and variable. Runs where Docker is
 * available (it pulls {@value #IMAGE}); skipped elsewhere, which includes CI today.
 */
class GrafanaProvisioningIT {
    static final String IMAGE = "grafana/grafana:11.2.0";
    private static final int PORT = 3000;

    @Test
    void grafanaProvisionsTheDashboardFromAFile() throws Exception {
        assumeTrue(DockerClientFactory.instance().isDockerAvailable(),
                "Docker is not available here, so Grafana cannot be started: GrafanaProvisioningIT skipped"
                        + " (run it on a machine with a Docker daemon)");
        JsonNode file = Dashboard.load().root();
        try (GenericContainer<?> grafana = new GenericContainer<>(DockerImageName.parse(IMAGE))
                .withCopyFileToContainer(MountableFile.forHostPath(Dashboard.path()),
                        "/var/lib/grafana/dashboards/tcplat-exporter.json")
                .withCopyToContainer(Transferable.of(String.join("\n",
                        "apiVersion: 1",
                        "providers:",
                        "  - name: tcplat",
                        "    type: file",
                        "    options:",
                        "      path: /var/lib/grafana/dashboards",
                        "")), "/etc/grafana/provisioning/dashboards/tcplat.yml")
                .withCopyToContainer(Transferable.of(String.join("\n",
                        "apiVersion: 1",
                        "datasources:",
                        "  - name: Prometheus",
                        "    type: prometheus",
                        "    access: proxy",
                        "    url: http://prometheus.invalid:9090",
                        "    isDefault: true",
                        "")), "/etc/grafana/provisioning/datasources/prometheus.yml")
                .withEnv("GF_AUTH_ANONYMOUS_ENABLED", "true")
                .withEnv("GF_AUTH_ANONYMOUS_ORG_ROLE", "Viewer")
                .withExposedPorts(PORT)
                .waitingFor(Wait.forHttp("/api/health").forStatusCode(200))
                .withStartupTimeout(Duration.ofMinutes(3))) {
            grafana.start();
            String base = "http://" + grafana.getHost() + ":" + grafana.getMappedPort(PORT);
            HttpResponse<String> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(URI.create(base + "/api/dashboards/uid/" + file.path("uid").asText()))
                            .timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body() + "\n" + grafana.getLogs()).isEqualTo(200);
            JsonNode loaded = new ObjectMapper().readTree(response.body()).path("dashboard");
            assertThat(loaded.path("title").asText()).isEqualTo(file.path("title").asText());
            assertThat(titles(loaded)).containsExactlyElementsOf(titles(file));
            assertThat(loaded.path("templating").path("list").size())
                    .isEqualTo(file.path("templating").path("list").size());
            assertThat(grafana.getLogs()).doesNotContainIgnoringCase("failed to load dashboard");
        }
    }

    private static List<String> titles(JsonNode dashboard) {
        List<String> titles = new ArrayList<>();
        dashboard.path("panels").forEach(p -> titles.add(p.path("title").asText()));
        return titles;
    }
}
