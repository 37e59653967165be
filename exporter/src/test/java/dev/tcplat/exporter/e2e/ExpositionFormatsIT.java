package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.expositionformats.generated.com_google_protobuf_4_35_0.Metrics;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The three exposition formats a Prometheus server asks for, by content negotiation on the real
 * endpoint: text, OpenMetrics, and protobuf, which alone carries native histograms — present
 * when the config turns them on, absent by default.
 */
class ExpositionFormatsIT {
    private static final String PROTOBUF =
            "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited";
    private static final String OPENMETRICS = "application/openmetrics-text;version=1.0.0";
    private static final int CONNECTIONS = 10;

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void protobufHasTheClassicBucketsAndNativeOnesWhenConfigured(boolean nativeHistograms) throws Exception {
        Path config = Files.writeString(dir.resolve("tcplat-exporter.yml"),
                "histograms:\n  native: " + nativeHistograms + "\n");
        try (NetworkNamespace ns = NetworkNamespace.create("expo");
                TunPeer peer = TunPeer.create(ns, TunPeer.DEFAULT_NAME, SynPolicy.synAck());
                ExporterProcess exporter = ExporterProcess.start(ns, "--interface", peer.name(),
                        "--config.file", config.toString())) {
            TcpClient.connectAndClose(ns, peer.peerAddress(IpFamily.V4), 8080, CONNECTIONS);
            Handshakes.assertOutboundCount(exporter, peer.peerLabel(IpFamily.V4), CONNECTIONS);

            Scraper.Response response = ns.call(() -> Scraper.fetch("127.0.0.1", exporter.port(), "/metrics", PROTOBUF));
            assertThat(response.contentType()).startsWith("application/vnd.google.protobuf");
            Metrics.Histogram rtt = families(response.body()).stream()
                    .filter(f -> f.getName().equals("tcplat_handshake_rtt_seconds"))
                    .flatMap(f -> f.getMetricList().stream()).findFirst().orElseThrow().getHistogram();
            assertThat(rtt.getSampleCount()).isEqualTo(CONNECTIONS);
            assertThat(rtt.getBucketCount()).as("classic buckets and +Inf").isEqualTo(18);
            if (nativeHistograms) {
                assertThat(rtt.getPositiveSpanCount()).as("native spans").isPositive();
                assertThat(rtt.getPositiveDeltaList().stream().mapToLong(Long::longValue).sum())
                        .as("the first delta is the first bucket's count").isPositive();
            } else {
                assertThat(rtt.getPositiveSpanCount()).isZero();
                assertThat(rtt.getSchema()).isZero();
            }
        }
    }

    @Test
    void openMetricsAndTextByNegotiation() throws Exception {
        try (NetworkNamespace ns = NetworkNamespace.create("expo");
                TunPeer peer = TunPeer.create(ns, TunPeer.DEFAULT_NAME, SynPolicy.synAck());
                ExporterProcess exporter = ExporterProcess.start(ns, "--interface", peer.name())) {
            Scraper.Response openMetrics =
                    ns.call(() -> Scraper.fetch("127.0.0.1", exporter.port(), "/metrics", OPENMETRICS));
            assertThat(openMetrics.contentType()).startsWith("application/openmetrics-text");
            String body = new String(openMetrics.body(), StandardCharsets.UTF_8);
            assertThat(body).endsWith("# EOF\n").contains("# TYPE tcplat_build info");

            Scraper.Response text = ns.call(() -> Scraper.fetch("127.0.0.1", exporter.port(), "/metrics", "*/*"));
            assertThat(text.contentType()).startsWith("text/plain; version=0.0.4");
            assertThat(new String(text.body(), StandardCharsets.UTF_8)).contains("# TYPE tcplat_build_info gauge");
        }
    }

    private static List<Metrics.MetricFamily> families(byte[] body) throws Exception {
        List<Metrics.MetricFamily> families = new ArrayList<>();
        try (InputStream in = new ByteArrayInputStream(body)) {
            Metrics.MetricFamily family;
            while ((family = Metrics.MetricFamily.parseDelimitedFrom(in)) != null) {
                families.add(family);
            }
        }
        return families;
    }
}
