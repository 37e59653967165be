package dev.tcplat.exporter.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import at.favre.lib.crypto.bcrypt.BCrypt;
import dev.tcplat.exporter.config.ListenAddress;
import dev.tcplat.exporter.config.WebConfig;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The endpoint as a client sees it, on 127.0.0.1 with an ephemeral port: paths, health, errors, basic auth. */
class MetricsServerTest {
    static final String HASH = new String(BCrypt.withDefaults().hash(8, "s3cret".toCharArray()),
            StandardCharsets.US_ASCII);

    @TempDir
    static Path dir;
    static PrometheusRegistry registry = new PrometheusRegistry();

    private final AtomicBoolean ready = new AtomicBoolean();
    private MetricsServer server;

    @BeforeAll
    static void metric() {
        Counter.builder().name("tcplat_test_events_total").help("test").register(registry).inc(3);
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    private int start(WebConfig web) throws IOException {
        return start(web, registry);
    }

    private int start(WebConfig web, PrometheusRegistry metrics) throws IOException {
        server = MetricsServer.start(new ListenAddress("127.0.0.1", 0), "/metrics", metrics, web, "1.2.3",
                ready::get);
        return server.port();
    }

    @Test
    void landingPageLinksTheEndpoints() throws Exception {
        int port = start(WebConfig.PLAIN);
        HttpGet.Response page = HttpGet.get(port, "/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("Content-Type")).startsWith("text/html");
        assertThat(page.body()).contains("href=\"/metrics\"", "href=\"/-/healthy\"", "href=\"/-/ready\"", "1.2.3");
    }

    @Test
    void metricsHealthAndUnknownPaths() throws Exception {
        int port = start(WebConfig.PLAIN);
        assertThat(HttpGet.get(port, "/metrics").body()).contains("tcplat_test_events_total 3.0");
        assertThat(HttpGet.get(port, "/-/healthy").status()).isEqualTo(200);
        assertThat(HttpGet.get(port, "/nothing").status()).isEqualTo(404);
        assertThat(HttpGet.get(port, "/metrics/extra").status()).isEqualTo(404);
        assertThat(HttpGet.get(port, "/-/healthy/x").status()).isEqualTo(404);
        HttpGet.Response post = HttpGet.plain(port, "POST", "/metrics", null, null);
        assertThat(post.status()).isEqualTo(405);
        assertThat(post.header("Allow")).isEqualTo("GET, HEAD");
        HttpGet.Response head = HttpGet.plain(port, "HEAD", "/-/healthy", null, null);
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
    }

    @Test
    void readyOnlyWhenTheExporterSaysSo() throws Exception {
        int port = start(WebConfig.PLAIN);
        HttpGet.Response before = HttpGet.get(port, "/-/ready");
        assertThat(before.status()).isEqualTo(503);
        assertThat(before.body()).contains("not attached");
        ready.set(true);
        assertThat(HttpGet.get(port, "/-/ready").status()).isEqualTo(200);
        ready.set(false);
        assertThat(HttpGet.get(port, "/-/ready").status()).isEqualTo(503);
    }

    @Test
    void failingScrapeAnswersBare500WithoutTheException() throws Exception {
        PrometheusRegistry broken = new PrometheusRegistry();
        broken.register(new io.prometheus.metrics.model.registry.MultiCollector() {
            @Override
            public io.prometheus.metrics.model.snapshots.MetricSnapshots collect() {
                throw new IllegalStateException("internal detail /secret/path");
            }
        });
        int port = start(WebConfig.PLAIN, broken);
        HttpGet.Response response = HttpGet.get(port, "/metrics");
        assertThat(response.status()).isEqualTo(500);
        assertThat(response.body()).isEqualTo("500 internal server error\n");
        assertThat(response.head() + response.body()).doesNotContain("Exception", "secret", "\tat ", "java.");
    }

    @Test
    void configuredHeadersAreSent() throws Exception {
        int port = start(new WebConfig(java.util.Optional.empty(), Map.of(), Map.of("X-Frame-Options", "deny")));
        assertThat(HttpGet.get(port, "/metrics").header("X-Frame-Options")).isEqualTo("deny");
        assertThat(HttpGet.get(port, "/nothing").header("X-Frame-Options")).isEqualTo("deny");
    }

    @Test
    void configuredHeadersAreSentWithA401Too() throws Exception {
        int port = start(new WebConfig(java.util.Optional.empty(), Map.of("prometheus", HASH),
                Map.of("Strict-Transport-Security", "max-age=60")));
        HttpGet.Response anonymous = HttpGet.get(port, "/metrics");
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.header("Strict-Transport-Security")).isEqualTo("max-age=60");
    }

    @Test
    void basicAuthGuardsEveryPath() throws Exception {
        int port = start(new WebConfig(java.util.Optional.empty(), Map.of("prometheus", HASH), Map.of()));
        ready.set(true);
        for (String path : new String[] {"/", "/metrics", "/-/healthy", "/-/ready", "/nothing"}) {
            HttpGet.Response anonymous = HttpGet.get(port, path);
            assertThat(anonymous.status()).as(path).isEqualTo(401);
            assertThat(anonymous.header("WWW-Authenticate")).as(path).startsWith("Basic realm=");
            assertThat(anonymous.body()).as(path).doesNotContain("tcplat_test_events_total");
        }
        HttpGet.Response ok = HttpGet.plain(port, "GET", "/metrics", "prometheus", "s3cret");
        assertThat(ok.status()).isEqualTo(200);
        assertThat(ok.body()).contains("tcplat_test_events_total 3.0");
    }

    @Test
    void wrongPasswordAndUnknownUserGetTheSameAnswer() throws Exception {
        int port = start(new WebConfig(java.util.Optional.empty(), Map.of("prometheus", HASH), Map.of()));
        HttpGet.Response wrongPassword = HttpGet.plain(port, "GET", "/metrics", "prometheus", "S3cret");
        HttpGet.Response unknownUser = HttpGet.plain(port, "GET", "/metrics", "grafana", "s3cret");
        assertThat(wrongPassword.status()).isEqualTo(401);
        assertThat(unknownUser.status()).isEqualTo(401);
        assertThat(withoutDate(unknownUser.head())).isEqualTo(withoutDate(wrongPassword.head()));
        assertThat(unknownUser.body()).isEqualTo(wrongPassword.body());
    }

    private static String withoutDate(String head) {
        return head.replaceAll("(?im)^date:.*$", "");
    }

    @Test
    void bindFailureIsOneLine() throws Exception {
        int port = start(WebConfig.PLAIN);
        assertThatThrownBy(() -> MetricsServer.start(ListenAddress.parse("127.0.0.1:" + port), "/metrics", registry,
                WebConfig.PLAIN, "1", () -> true))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("cannot listen on 127.0.0.1:" + port)
                .hasMessageContaining("pick another --web.listen-address");
    }
}
