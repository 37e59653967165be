package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.stream.Collectors;

/** What the exporter reports about handshakes, checked against what a test did on the wire. */
final class Handshakes {
    static final String RTT = "tcplat_handshake_rtt_seconds";
    /** How long matched handshakes may take to show up: drain wait, matching, then a scrape. */
    private static final Duration SETTLE = Duration.ofSeconds(5);
    /** After the count is reached, how long to look for more than there should be. */
    private static final Duration OVERSHOOT_WINDOW = Duration.ofMillis(500);

    private Handshakes() {}

    static Map<String, String> outbound(String peer) {
        return Map.of("direction", "outbound", "peer", peer);
    }

    /** {@code tcplat_handshake_rtt_seconds_count{direction="outbound",peer=...}}, or empty. */
    static OptionalDouble outboundCount(MetricsText metrics, String peer) {
        return metrics.value(RTT + "_count", outbound(peer));
    }

    /**
     * Waits up to 5 s for the exporter to count {@code expected} outbound handshakes to
     * {@code peer}, then checks a little later that the count is still exactly that: every
     * connection counted once, none twice, none from elsewhere.
     */
    static void assertOutboundCount(ExporterProcess exporter, String peer, int expected) throws Exception {
        Await.until(() -> outboundCount(exporter.scrape(), peer).orElse(0) >= expected, SETTLE,
                () -> describe(exporter, peer, expected));
        Thread.sleep(OVERSHOOT_WINDOW.toMillis());
        MetricsText metrics = exporter.scrape();
        assertThat(outboundCount(metrics, peer))
                .as(() -> describe(metrics, exporter, peer, expected))
                .hasValue(expected);
        // The histogram is consistent with the count: every observation fell into +Inf, and
        // a handshake over a local link takes more than nothing and less than a second.
        assertThat(metrics.value(RTT + "_bucket", withLe(peer, "+Inf"))).hasValue(expected);
        double sum = metrics.value(RTT + "_sum", outbound(peer)).orElseThrow();
        assertThat(sum).as(() -> describe(metrics, exporter, peer, expected)).isPositive().isLessThan(expected);
    }

    private static Map<String, String> withLe(String peer, String le) {
        return Map.of("direction", "outbound", "peer", peer, "le", le);
    }

    private static String describe(ExporterProcess exporter, String peer, int expected) {
        try {
            return describe(exporter.scrape(), exporter, peer, expected);
        } catch (Exception e) {
            return "expected " + expected + " handshakes to " + peer + "; scrape failed: " + e + "\n" + exporter.log();
        }
    }

    private static String describe(MetricsText metrics, ExporterProcess exporter, String peer, int expected) {
        String tcplat = metrics.samples().stream()
                .filter(s -> s.name().startsWith("tcplat_") && !s.name().endsWith("_bucket"))
                .map(s -> s.name() + s.labels() + " " + s.value())
                .collect(Collectors.joining("\n  "));
        return "expected " + expected + " outbound handshakes to " + peer + "; the exporter reports:\n  " + tcplat
                + "\n" + exporter.log();
    }
}
