package dev.tcplat.exporter.grafana;

import java.util.regex.Pattern;

/**
 * The dashboard's and the rules' classic-bucket PromQL rewritten for native histograms, as the
 * README's "Grafana dashboard and alerts" section tells users to do by hand: a histogram is
 * selected by its bare name (no {@code _bucket}, no {@code le}), and a rate of its count becomes
 * {@code histogram_count} of its rate. Tested by running every rewritten query against an
 * exporter with native histograms on.
 */
public final class NativeHistogramQueries {
    private static final Pattern BUCKET = Pattern.compile("\\b(\\w+_seconds)_bucket\\b");
    private static final Pattern BY_LE_ONLY = Pattern.compile("\\bsum by \\(le\\)");
    private static final Pattern BY_LE_LAST = Pattern.compile("\\bby \\(([^)]*), le\\)");
    private static final Pattern COUNT_RATE = Pattern.compile(
            "\\b(rate|increase)\\((\\w+_seconds)_count(\\{[^}]*})?(\\[[^\\]]*](?: offset \\w+)?)\\)");

    private NativeHistogramQueries() {}

    public static String rewrite(String classic) {
        String expr = BUCKET.matcher(classic).replaceAll("$1");
        expr = BY_LE_ONLY.matcher(expr).replaceAll("sum");
        expr = BY_LE_LAST.matcher(expr).replaceAll("by ($1)");
        return COUNT_RATE.matcher(expr).replaceAll(m -> java.util.regex.Matcher.quoteReplacement(
                "histogram_count(" + m.group(1) + "(" + m.group(2) + (m.group(3) == null ? "" : m.group(3))
                        + m.group(4) + "))"));
    }
}
