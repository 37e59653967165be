package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tcplat.exporter.config.MetricsConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * What a real Prometheus makes of the exporter's latency histograms: the fake peer behind a tun
 * answers every SYN 70 ms after reading it, so every handshake takes 70 ms plus the peer's
 * wake-up (well under a millisecond on an idle machine), and {@code histogram_quantile} over the
 * scraped histogram must land where those handshakes are — within the resolution of the buckets.
 * The reference is the median of the delays the fake peer really injected (read to write, its
 * own clock): a median, because one handshake delayed by a busy machine moves a mean, not a
 * median.
 *
 * <p>70 ms rather than a round 50 ms: 50 ms is a classic bucket boundary, and a handshake a hair
 * above it would fall into the next bucket, which says nothing about the quantile estimate.
 */
class PrometheusHistogramIT {
    private static final Duration DELAY = Duration.ofMillis(70);
    private static final int HANDSHAKES = 20;
    private static final int PORT = 8080;
    /**
     * client_java's native histograms start at schema 5: bucket boundaries 2^(2^-5) = 2.2 % apart.
     * The estimate lies inside the bucket holding the median, and a measured handshake also holds
     * the fake peer's wake-up, which the injected delay does not; 5 % of 70 ms (3.5 ms) covers both
     * with room for a busy machine, and is still far tighter than any classic bucket here (50 ms
     * wide).
     */
    private static final double NATIVE_RELATIVE_TOLERANCE = 0.05;

    @TempDir
    Path dir;

    /**
     * Classic buckets (the default), and native histograms (config {@code histograms.native}).
     * Prometheus 2.42 keeps only the native form of a histogram that has one, so each form gets
     * its own exporter; which form Prometheus stored is checked, not assumed.
     */
    @ParameterizedTest(name = "native histograms: {0}")
    @ValueSource(booleans = {false, true})
    void medianOfTheScrapedHistogramIsTheInjectedDelay(boolean nativeHistograms) throws Exception {
        Path config = Files.writeString(dir.resolve("tcplat-exporter.yml"),
                "histograms:\n  native: " + nativeHistograms + "\n");
        try (NetworkNamespace ns = NetworkNamespace.create("prom");
                TunPeer peer = TunPeer.create(ns, TunPeer.DEFAULT_NAME, SynPolicy.synAckAfter(DELAY));
                ExporterProcess exporter = ExporterProcess.start(ns, "--interface", peer.name(),
                        "--config.file", config.toString());
                PrometheusServer prometheus = PrometheusServer.start(ns, exporter.listenAddress())) {
            prometheus.awaitFirstScrape();
            TcpClient.connectAndClose(ns, peer.peerAddress(IpFamily.V4), PORT, HANDSHAKES);
            Handshakes.assertOutboundCount(exporter, peer.peerLabel(IpFamily.V4), HANDSHAKES);

            String selector = "{job=\"tcplat\",direction=\"outbound\",peer=\"" + peer.peerLabel(IpFamily.V4) + "\"}";
            String count = nativeHistograms
                    ? "histogram_count(tcplat_handshake_rtt_seconds" + selector + ")"
                    : "tcplat_handshake_rtt_seconds_count" + selector;
            String sum = nativeHistograms
                    ? "histogram_sum(tcplat_handshake_rtt_seconds" + selector + ")"
                    : "tcplat_handshake_rtt_seconds_sum" + selector;
            Await.until(() -> single(prometheus.query(count)) == HANDSHAKES, Duration.ofSeconds(10),
                    () -> "Prometheus has not scraped all " + HANDSHAKES + " handshakes: " + describe(prometheus, count));
            double mean = single(prometheus.query(sum)) / HANDSHAKES;
            // Nothing answers before the fake peer does: the delay is a floor for every handshake.
            assertThat(mean).as("mean handshake RTT in Prometheus").isGreaterThanOrEqualTo(DELAY.toNanos() / 1e9);
            double injected = medianInjectedDelay(peer);

            if (nativeHistograms) {
                assertThat(prometheus.query("tcplat_handshake_rtt_seconds_bucket" + selector).path("data").path("result"))
                        .as("with native histograms exposed, Prometheus 2.42 stores the native form only").isEmpty();
                double median = single(prometheus.query(
                        "histogram_quantile(0.5, sum(tcplat_handshake_rtt_seconds" + selector + "))"));
                report("native", injected, median, mean);
                assertThat(median).as("native histogram_quantile(0.5) vs injected median %s", injected)
                        .isCloseTo(injected, within(injected * NATIVE_RELATIVE_TOLERANCE));
            } else {
                assertThat(prometheus.query("tcplat_handshake_rtt_seconds" + selector).path("data").path("result"))
                        .as("no native histogram unless configured").isEmpty();
                double median = single(prometheus.query("histogram_quantile(0.5, sum by (le) (tcplat_handshake_rtt_seconds_bucket"
                        + selector + "))"));
                report("classic", injected, median, mean);
                double[] bucket = classicBucketHolding(injected);
                // Linear interpolation inside the bucket holding the median is all a classic
                // histogram can say: the estimate is somewhere in that bucket, nowhere else.
                assertThat(median).as("classic histogram_quantile(0.5) vs injected median %s, bucket (%s, %s]",
                        injected, bucket[0], bucket[1]).isGreaterThan(bucket[0]).isLessThanOrEqualTo(bucket[1]);
            }

            Path scrape = Files.writeString(dir.resolve("scrape.txt"), exporter.scrape().text());
            Promtool.Result lint = Promtool.run(scrape, "check", "metrics");
            assertThat(lint.exitCode()).as(lint::toString).isZero();
            assertThat(lint.output()).as("promtool check metrics reports no problem").isBlank();
        }
    }

    private static void report(String form, double injected, double median, double mean) {
        System.out.printf("%s histogram: injected median %.3f ms, histogram_quantile(0.5) %.3f ms, mean %.3f ms%n",
                form, injected * 1e3, median * 1e3, mean * 1e3);
    }

    /** Median of what the fake peer injected: from reading each SYN to writing its SYN-ACK, seconds. */
    private static double medianInjectedDelay(TunPeer peer) {
        double[] delays = peer.exchanges().stream()
                .mapToDouble(e -> (e.answerWrittenNanos() - e.synReadNanos()) / 1e9).sorted().toArray();
        assertThat(delays).hasSize(HANDSHAKES);
        return (delays[HANDSHAKES / 2 - 1] + delays[HANDSHAKES / 2]) / 2;
    }

    /** The default RTT bucket {@code (lower, upper]} that holds {@code value}. */
    private static double[] classicBucketHolding(double value) {
        List<Double> bounds = MetricsConfig.DEFAULT_RTT_BUCKETS;
        double lower = 0;
        for (double upper : bounds) {
            if (value <= upper) {
                return new double[] {lower, upper};
            }
            lower = upper;
        }
        throw new AssertionError(value + " s is beyond every RTT bucket");
    }

    /** The value of a one-sample instant vector, NaN when there is none (yet). */
    private static double single(JsonNode answer) {
        JsonNode result = answer.path("data").path("result");
        return result.size() == 1 ? Double.parseDouble(result.get(0).path("value").get(1).asText()) : Double.NaN;
    }

    private static String describe(PrometheusServer prometheus, String query) {
        try {
            return prometheus.query(query) + "\n" + prometheus.get("/api/v1/targets").body();
        } catch (Exception e) {
            return e + "\n" + prometheus.log();
        }
    }
}
