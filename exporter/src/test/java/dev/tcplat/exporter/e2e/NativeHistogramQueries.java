package dev.tcplat.exporter.e2e;

import java.util.regex.Pattern;

/**
 * The rewrite that turns the dashboard's classic-histogram queries into native-histogram ones,
 * as the README describes it for an exporter run with {@code histograms.native: true}:
 * <ul>
 *   <li>{@code H_bucket{...}} becomes {@code H{...}} (a native histogram is one series; a
 *       {@code sum by (le, ...)} over it still works, as it has no {@code le} label);</li>
 *   <li>{@code rate(H_count{...}[w])} becomes {@code histogram_count(rate(H{...}[w]))}, and the
 *       same for {@code _sum} with {@code histogram_sum}.</li>
 * </ul>
 * Only the per-peer latency histograms have a native form; the exporter's own histogram of drain
 * batch sizes stays classic.
 */
final class NativeHistogramQueries {
    private static final String HISTOGRAMS =
            "(tcplat_handshake_rtt_seconds|tcplat_connect_duration_seconds|tcplat_syn_to_synack_seconds)";
    private static final Pattern BUCKET = Pattern.compile(HISTOGRAMS + "_bucket\\{");
    private static final Pattern COUNT_OR_SUM =
            Pattern.compile("rate\\(" + HISTOGRAMS + "_(count|sum)(\\{[^}]*})\\[([^\\]]+)]\\)");

    private NativeHistogramQueries() {}

    static String rewrite(String expr) {
        String rewritten = BUCKET.matcher(expr).replaceAll("$1{");
        return COUNT_OR_SUM.matcher(rewritten).replaceAll("histogram_$2(rate($1$3[$4]))");
    }
}
