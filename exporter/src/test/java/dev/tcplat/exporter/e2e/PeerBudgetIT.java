package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Thousands of distinct client addresses against a small label budget, through the real kernel
 * path: SYNs from 5 000 IPv6 addresses behind the tun reach a listener, the namespace answers
 * each, and every answer is an inbound observation for a new peer. The number of series on
 * /metrics must never exceed the bound the config implies, the folds must be counted, and idle
 * label sets must go away.
 */
class PeerBudgetIT {
    private static final int ADDRESSES = 20;
    private static final int PREFIXES = 4;
    /** Each /120 holds 256 addresses: 5 000 sources span 20 prefixes, more than the budget. */
    private static final int SOURCES = 5_000;
    private static final int SYNS = 20_000;
    /** per direction: addresses + prefixes + other */
    private static final int LABEL_SETS = ADDRESSES + PREFIXES + 1;
    /** series of one inbound label set: RTT (20), connect (19), turnaround (20), 2 retransmit, 2 failure */
    private static final int INBOUND_SERIES = 63;

    @TempDir
    Path dir;

    @Test
    void seriesStayWithinTheBudgetAndIdleOnesExpire() throws Exception {
        Path config = Files.writeString(dir.resolve("tcplat-exporter.yml"), """
                peers:
                  addresses_per_direction: %d
                  prefixes_per_direction: %d
                  ipv6_prefix_length: 120
                  idle_timeout: 3s
                """.formatted(ADDRESSES, PREFIXES));
        try (NetworkNamespace ns = NetworkNamespace.create("budget");
                TunPeer peer = TunPeer.create(ns, TunPeer.DEFAULT_NAME, SynPolicy.ignore());
                TcpListener listener = TcpListener.open(ns, peer.localAddress(IpFamily.V6));
                ExporterProcess exporter = ExporterProcess.start(ns, "--interface", peer.name(),
                        "--config.file", config.toString())) {
            ns.ip("link", "set", peer.name(), "txqueuelen", "100000");
            CompletableFuture<Void> flood = CompletableFuture.runAsync(
                    () -> peer.floodSyns(IpFamily.V6, listener.port(), SYNS, SOURCES));
            int maxSeries = 0;
            while (!flood.isDone()) {
                maxSeries = Math.max(maxSeries, perPeerSeries(exporter.scrape()));
            }
            flood.get(60, TimeUnit.SECONDS);
            Await.until(() -> exporter.scrape().value("tcplat_events_total", Map.of("kind", "syn")).orElse(0) >= SYNS,
                    Duration.ofSeconds(10), exporter::log);

            MetricsText metrics = exporter.scrape();
            maxSeries = Math.max(maxSeries, perPeerSeries(metrics));
            System.out.printf("peer budget: %d SYNs from %d addresses, at most %d per-peer series (bound %d),"
                    + " folded to prefix %.0f, to other %.0f%n", SYNS, SOURCES, maxSeries, LABEL_SETS * INBOUND_SERIES,
                    fold(metrics, "prefix"), fold(metrics, "other"));
            assertThat(maxSeries).as(exporter::log).isPositive().isLessThanOrEqualTo(LABEL_SETS * INBOUND_SERIES);
            assertThat(metrics.value("tcplat_peer_label_sets", Map.of("direction", "inbound")))
                    .hasValue(LABEL_SETS);
            assertThat(fold(metrics, "prefix")).isPositive();
            assertThat(fold(metrics, "other")).isPositive();
            assertThat(metrics.samples("tcplat_syn_to_synack_seconds_count")).extracting(s -> s.labels().get("peer"))
                    .contains("other").anyMatch(p -> p.endsWith("/120"));

            // No more handshakes: after the idle timeout every label set is removed.
            Await.until(() -> perPeerSeries(exporter.scrape()) == 0, Duration.ofSeconds(10), exporter::log);
            MetricsText after = exporter.scrape();
            assertThat(after.value("tcplat_peer_label_sets", Map.of("direction", "inbound"))).hasValue(0);
            assertThat(after.value("tcplat_peer_label_sets_expired_total", Map.of("direction", "inbound")))
                    .hasValue(LABEL_SETS);
        }
    }

    private static double fold(MetricsText metrics, String fold) {
        return metrics.value("tcplat_peer_series_overflow_total", Map.of("direction", "inbound", "fold", fold))
                .orElse(0);
    }

    /** Samples of the per-peer families: everything labelled with a peer. */
    private static int perPeerSeries(MetricsText metrics) {
        return (int) metrics.samples().stream().filter(s -> s.labels().containsKey("peer")).count();
    }
}
