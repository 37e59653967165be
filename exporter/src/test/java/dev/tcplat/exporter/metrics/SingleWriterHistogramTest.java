package dev.tcplat.exporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.prometheus.metrics.config.EscapingScheme;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.OpenMetricsTextFormatWriter;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBuckets;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class SingleWriterHistogramTest {
    private static final double[] BOUNDS = {0.001, 0.0025, 0.005, 0.01, 0.1, 1};
    private static final String[] LABELS = {"direction", "peer"};

    @Test
    void exposesWhatClientJavasClassicHistogramExposesForTheSameObservations() throws IOException {
        PrometheusRegistry theirs = new PrometheusRegistry();
        Histogram reference = Histogram.builder().name("t_seconds").help("h").labelNames(LABELS)
                .classicUpperBounds(BOUNDS).classicOnly().withoutExemplars().register(theirs);
        PrometheusRegistry ours = new PrometheusRegistry();
        SingleWriterHistogram histogram = new SingleWriterHistogram("t_seconds", "h", LABELS, BOUNDS);
        ours.register(histogram);

        Random random = new Random(3);
        String[][] labelSets = {{"outbound", "10.0.0.1"}, {"inbound", "2001:db8::1"}, {"outbound", "other"}};
        for (int i = 0; i < 10_000; i++) {
            String[] labels = labelSets[random.nextInt(labelSets.length)];
            // bounds exactly, values between, beyond the last bound, zero and negative
            double value = switch (random.nextInt(4)) {
                case 0 -> BOUNDS[random.nextInt(BOUNDS.length)];
                case 1 -> random.nextDouble() * 2;
                case 2 -> random.nextDouble() / 1000;
                default -> -random.nextDouble();
            };
            reference.labelValues(labels).observe(value);
            histogram.labelValues(labels).observe(value);
        }
        reference.remove(labelSets[2]);
        histogram.remove(labelSets[2]);

        assertThat(text(ours)).isEqualTo(text(theirs)).contains("peer=\"2001:db8::1\"").doesNotContain("other");
        assertThat(withoutCreated(openMetrics(ours))).isEqualTo(withoutCreated(openMetrics(theirs)));
        DistributionDataPoint point = histogram.labelValues(labelSets[0]);
        DistributionDataPoint referencePoint = reference.labelValues(labelSets[0]);
        assertThat(point.getCount()).isEqualTo(referencePoint.getCount()).isPositive();
        assertThat(point.getSum()).isEqualTo(referencePoint.getSum());
    }

    @Test
    void aScrapeDuringObservationsSeesBucketsThatAddUpToTheCount() throws Exception {
        SingleWriterHistogram histogram = new SingleWriterHistogram("t_seconds", "h", LABELS, BOUNDS);
        DistributionDataPoint point = histogram.labelValues("outbound", "10.0.0.1");
        int observations = 5_000_000;
        AtomicBoolean done = new AtomicBoolean();
        Thread writer = new Thread(() -> {
            for (int i = 0; i < observations; i++) {
                point.observe((i % 7) * 0.002);
            }
            done.set(true);
        });
        writer.start();
        long last = 0;
        int scrapes = 0;
        while (!done.get() || scrapes == 0) {
            HistogramSnapshot.HistogramDataPointSnapshot snapshot = histogram.collect().getDataPoints().get(0);
            ClassicHistogramBuckets buckets = snapshot.getClassicBuckets();
            long total = 0;
            for (int i = 0; i < buckets.size(); i++) {
                total += buckets.getCount(i);
            }
            assertThat(snapshot.getCount()).isEqualTo(total).isGreaterThanOrEqualTo(last);
            last = total;
            scrapes++;
        }
        writer.join();
        assertThat(point.getCount()).isEqualTo(observations);
        assertThat(histogram.collect().getDataPoints().get(0).getCount()).isEqualTo(observations);
    }

    private static String text(PrometheusRegistry registry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.ALLOW_UTF8);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String openMetrics(PrometheusRegistry registry) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        OpenMetricsTextFormatWriter.create().write(out, registry.scrape(), EscapingScheme.ALLOW_UTF8);
        return out.toString(StandardCharsets.UTF_8);
    }

    private static String withoutCreated(String exposition) {
        return exposition.lines().filter(line -> !line.contains("_created")).collect(Collectors.joining("\n"));
    }
}
