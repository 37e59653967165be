package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each handshake's own value in the exporter's histograms, so that it can be set beside what a
 * fake peer or the kernel says of that very handshake. The handshakes are made one at a time;
 * after each, every histogram named must count exactly one more, and its sum has grown by that
 * handshake's sample. Compared one by one and summed up by the median, a stall of a busy machine
 * spoils the comparison of the handshake it hit, where it would shift the mean of a whole round.
 */
final class HandshakeSamples {
    private static final Duration SETTLE = Duration.ofSeconds(5);

    /** Makes one handshake, and returns once it is complete on the wire. */
    @FunctionalInterface
    interface Handshake {
        void make() throws Exception;
    }

    private HandshakeSamples() {}

    /**
     * Makes {@code count} handshakes one after the other and returns, for each histogram, the
     * value each of them added to its {@code labels} series, in seconds, in order.
     */
    static Map<String, double[]> collect(ExporterProcess exporter, Map<String, String> labels, int count,
            Handshake handshake, String... histograms) throws Exception {
        Map<String, double[]> samples = new LinkedHashMap<>();
        for (String histogram : histograms) {
            samples.put(histogram, new double[count]);
        }
        MetricsText before = exporter.scrape();
        for (int i = 0; i < count; i++) {
            handshake.make();
            MetricsText previous = before;
            Await.until(() -> grewByAtLeastOne(exporter.scrape(), previous, labels, histograms), SETTLE,
                    () -> "handshake " + labels + " not counted in " + Arrays.toString(histograms) + "\n"
                            + exporter.log());
            MetricsText after = exporter.scrape();
            for (String histogram : histograms) {
                double grown = value(after, histogram + "_count", labels) - value(previous, histogram + "_count", labels);
                assertThat(grown).as("observations of %s%s from one handshake", histogram, labels).isEqualTo(1);
                samples.get(histogram)[i] =
                        value(after, histogram + "_sum", labels) - value(previous, histogram + "_sum", labels);
            }
            before = after;
        }
        return samples;
    }

    /** The median of {@code values}: what most of them agree on, whatever a few outliers say. */
    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /** {@code measured[i] - truth[i]} for every handshake. */
    static double[] errors(double[] measured, double[] truth) {
        assertThat(measured).as("handshakes measured, and their truths").hasSameSizeAs(truth);
        double[] errors = new double[measured.length];
        for (int i = 0; i < measured.length; i++) {
            errors[i] = measured[i] - truth[i];
        }
        return errors;
    }

    /** Milliseconds with microsecond resolution, for reports and failure messages. */
    static List<String> inMillis(double[] seconds) {
        List<String> shown = new ArrayList<>(seconds.length);
        for (double s : seconds) {
            shown.add(String.format("%.3f", s * 1e3));
        }
        return shown;
    }

    private static boolean grewByAtLeastOne(MetricsText now, MetricsText before, Map<String, String> labels,
            String[] histograms) {
        for (String histogram : histograms) {
            if (value(now, histogram + "_count", labels) < value(before, histogram + "_count", labels) + 1) {
                return false;
            }
        }
        return true;
    }

    private static double value(MetricsText metrics, String name, Map<String, String> labels) {
        return metrics.value(name, labels).orElse(0);
    }
}
