package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** The scrape parser the end-to-end tests read the exporter's answers with. */
class MetricsTextTest {
    private static final String SCRAPE = String.join("\n",
            "# HELP tcplat_handshake_rtt_seconds Time from a SYN to its SYN-ACK.",
            "# TYPE tcplat_handshake_rtt_seconds histogram",
            "tcplat_handshake_rtt_seconds_bucket{direction=\"outbound\",peer=\"fd00:7c:3::2\",le=\"0.001\"} 24",
            "tcplat_handshake_rtt_seconds_bucket{direction=\"outbound\",peer=\"fd00:7c:3::2\",le=\"+Inf\"} 25",
            "tcplat_handshake_rtt_seconds_count{direction=\"outbound\",peer=\"fd00:7c:3::2\"} 25",
            "tcplat_handshake_rtt_seconds_sum{direction=\"outbound\",peer=\"fd00:7c:3::2\"} 0.0123",
            "tcplat_build_info{version=\"a \\\"quoted\\\" \\\\ value\",kernel=\"6.18\"} 1 1700000000000",
            "tcplat_pending_handshakes 0",
            "");

    @Test
    void looksSamplesUpByNameAndExactLabelSet() {
        MetricsText metrics = MetricsText.parse(SCRAPE);
        Map<String, String> peer = Map.of("direction", "outbound", "peer", "fd00:7c:3::2");
        assertThat(metrics.value("tcplat_handshake_rtt_seconds_count", peer)).hasValue(25);
        assertThat(metrics.value("tcplat_handshake_rtt_seconds_sum", peer)).hasValue(0.0123);
        assertThat(metrics.value("tcplat_handshake_rtt_seconds_count", Map.of("peer", "fd00:7c:3::2"))).isEmpty();
        assertThat(metrics.value("tcplat_pending_handshakes", Map.of())).hasValue(0);
        assertThat(metrics.samples("tcplat_handshake_rtt_seconds_bucket")).hasSize(2);
    }

    @Test
    void readsInfinityEscapesAndTimestamps() {
        MetricsText metrics = MetricsText.parse(SCRAPE);
        assertThat(metrics.value("tcplat_handshake_rtt_seconds_bucket",
                Map.of("direction", "outbound", "peer", "fd00:7c:3::2", "le", "+Inf"))).hasValue(25);
        MetricsText.Sample info = metrics.samples("tcplat_build_info").get(0);
        assertThat(info.labels()).containsEntry("version", "a \"quoted\" \\ value");
        assertThat(info.value()).isEqualTo(1);
    }
}
