package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A SYN flood against a listener in the namespace, from hundreds of addresses behind the tun,
 * while real clients keep connecting. The exporter's pending table is small on purpose: it must
 * stay within it, count what it sheds, and keep measuring the real clients (the oldest entries
 * make room, not the newest).
 */
class SynFloodIT {
    private static final int CAPACITY = 4096;
    private static final int FLOOD_SYNS = 60_000;
    private static final int REAL_CLIENTS = 20;

    @Test
    void pendingTableStaysBoundedAndRealHandshakesAreStillMeasured() throws Exception {
        try (NetworkNamespace ns = NetworkNamespace.create("flood");
                TunPeer peer = TunPeer.create(ns, TunPeer.DEFAULT_NAME, SynPolicy.ignore());
                TcpListener listener = TcpListener.open(ns, peer.localAddress(IpFamily.V4));
                ExporterProcess exporter = ExporterProcess.start(ns, "--interface", peer.name(),
                        "--pending.capacity", Integer.toString(CAPACITY))) {
            // The namespace answers every SYN through the tun; its default queue of 500 would
            // drop the real clients' SYN-ACKs whenever the fake peer's reader falls behind.
            ns.ip("link", "set", peer.name(), "txqueuelen", "100000");
            CompletableFuture<Void> flood = CompletableFuture.runAsync(
                    () -> peer.floodSyns(IpFamily.V4, listener.port(), FLOOD_SYNS));
            int real = 0;
            double maxPending = 0;
            while (!flood.isDone() || real < REAL_CLIENTS) {
                if (real < REAL_CLIENTS) {
                    peer.openConnections(IpFamily.V4, listener.port(), 1, Duration.ofMillis(1));
                    real++;
                }
                maxPending = Math.max(maxPending, pendingInbound(exporter.scrape()));
            }
            flood.get(60, TimeUnit.SECONDS);

            Map<String, String> realPeer = Map.of("direction", "inbound", "peer", peer.peerLabel(IpFamily.V4));
            Await.until(() -> eventsOf(exporter.scrape(), "syn") >= FLOOD_SYNS + REAL_CLIENTS, Duration.ofSeconds(10),
                    exporter::log);
            MetricsText metrics = exporter.scrape();
            assertThat(metrics.value("tcplat_ringbuf_dropped_events_total", Map.of())).hasValue(0);
            assertThat(maxPending).isLessThanOrEqualTo(CAPACITY);
            assertThat(pendingInbound(metrics)).isLessThanOrEqualTo(CAPACITY);
            double evicted = metrics.value("tcplat_pending_evicted_total", Map.of("direction", "inbound", "reason",
                    "table_full")).orElse(0);
            assertThat(evicted).isGreaterThanOrEqualTo(FLOOD_SYNS - CAPACITY);
            // Refusing new entries when full would measure none of them: the flood's entries
            // would hold the table until they time out. Evicting the oldest keeps a real handshake
            // while the table turns over (here 4096 entries at tens of thousands of SYNs a second,
            // ~100 ms). The fake client reads its SYN-ACKs from the same queue as the flood's
            // answers, though, so on a loaded machine an ACK can come later than that.
            double measured = metrics.value("tcplat_handshake_rtt_seconds_count", realPeer).orElse(0);
            assertThat(measured).as(exporter::log).isGreaterThanOrEqualTo(REAL_CLIENTS * 3 / 4.0)
                    .isLessThanOrEqualTo(REAL_CLIENTS);
            System.out.printf("SYN flood: %d SYNs, pending at most %.0f of %d, evicted %.0f, real handshakes"
                    + " measured %.0f of %d, exporter RSS %d kB%n", FLOOD_SYNS, maxPending, CAPACITY, evicted, measured,
                    REAL_CLIENTS, rssKb(exporter));
        }
    }

    private static double pendingInbound(MetricsText metrics) {
        return metrics.value("tcplat_pending_handshakes", Map.of("direction", "inbound")).orElse(0);
    }

    private static double eventsOf(MetricsText metrics, String kind) {
        return metrics.value("tcplat_events_total", Map.of("kind", kind)).orElse(0);
    }

    private static long rssKb(ExporterProcess exporter) throws Exception {
        return Files.readAllLines(Path.of("/proc", Long.toString(exporter.pid()), "status"))
                .stream().filter(line -> line.startsWith("VmRSS:"))
                .mapToLong(line -> Long.parseLong(line.replaceAll("[^0-9]", ""))).findFirst().orElse(-1);
    }
}
