package dev.tcplat.exporter.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.tcplat.exporter.grafana.Dashboard;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * A picture of what the dashboard would show, drawn with Java 2D from the data Prometheus
 * returned for its queries: each panel where its {@code gridPos} puts it, time series as lines,
 * the heatmap as cells, tables and stats as text. Not Grafana's rendering, but the same numbers
 * in the same places, so a person can judge whether the panels say something useful.
 */
final class DashboardPicture {
    private static final int COLUMN = 75;
    private static final int ROW = 32;
    private static final Color BACKGROUND = new Color(0x11, 0x12, 0x17);
    private static final Color PANEL = new Color(0x18, 0x1b, 0x1f);
    private static final Color TEXT = new Color(0xcc, 0xcc, 0xdc);
    private static final Color GRID = new Color(0x2c, 0x30, 0x35);
    private static final Color[] PALETTE = {new Color(0x73, 0xbf, 0x69), new Color(0xf2, 0xcc, 0x0c),
        new Color(0x56, 0x94, 0xf2), new Color(0xff, 0x78, 0x0a), new Color(0xf2, 0x49, 0x5c),
        new Color(0x5a, 0xd8, 0xe6), new Color(0xb8, 0x77, 0xd9), new Color(0xfa, 0xde, 0x2a)};
    private static final Pattern LEGEND_LABEL = Pattern.compile("\\{\\{\\s*(\\w+)\\s*}}");

    private DashboardPicture() {}

    /** One line of a panel: its legend and its points (Unix seconds, value). */
    private record Series(String legend, double[] times, double[] values) {}

    /** One query of a panel: its refId and legend format. */
    private record Target(String refId, String legend) {}

    /** The key under which the caller hands over a panel target's result. */
    static String key(JsonNode panel, JsonNode target) {
        return panel.path("title").asText() + "\u0000" + target.path("refId").asText();
    }

    /**
     * Draws {@code dashboard} to {@code file}: {@code ranges} holds each target's range query
     * result ({@code data.result} of a matrix), {@code instant} each target's instant query
     * result, both by {@link #key}; {@code values} the variables' values, for titles.
     */
    static void draw(Dashboard dashboard, Map<String, JsonNode> ranges, Map<String, JsonNode> instant,
            Map<String, String> values, Path file) throws IOException {
        int height = 0;
        for (JsonNode panel : dashboard.root().path("panels")) {
            height = Math.max(height, panel.path("gridPos").path("y").asInt() + panel.path("gridPos").path("h").asInt());
        }
        BufferedImage image = new BufferedImage(24 * COLUMN, height * ROW, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(BACKGROUND);
        g.fillRect(0, 0, image.getWidth(), image.getHeight());
        for (JsonNode panel : dashboard.root().path("panels")) {
            JsonNode pos = panel.path("gridPos");
            int x = pos.path("x").asInt() * COLUMN + 4;
            int y = pos.path("y").asInt() * ROW + 4;
            int w = pos.path("w").asInt() * COLUMN - 8;
            int h = pos.path("h").asInt() * ROW - 8;
            String title = panel.path("title").asText();
            for (Map.Entry<String, String> value : values.entrySet()) {
                title = title.replace("$" + value.getKey(), value.getValue());
            }
            if (panel.path("type").asText().equals("row")) {
                g.setColor(TEXT);
                g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 16));
                g.drawString(title, x, y + 20);
                continue;
            }
            g.setColor(PANEL);
            g.fillRect(x, y, w, h);
            g.setColor(TEXT);
            g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
            g.drawString(title, x + 8, y + 18);
            String unit = panel.path("fieldConfig").path("defaults").path("unit").asText();
            List<Target> queries = new ArrayList<>();
            Map<String, JsonNode> panelRanges = new LinkedHashMap<>();
            Map<String, JsonNode> panelInstant = new LinkedHashMap<>();
            for (JsonNode target : panel.path("targets")) {
                String refId = target.path("refId").asText();
                queries.add(new Target(refId, target.path("legendFormat").asText("")));
                panelRanges.put(refId, ranges.getOrDefault(key(panel, target), MissingNode.getInstance()));
                panelInstant.put(refId, instant.getOrDefault(key(panel, target), MissingNode.getInstance()));
            }
            Graphics2D area = (Graphics2D) g.create(x + 8, y + 26, w - 16, h - 32);
            switch (panel.path("type").asText()) {
                case "timeseries" -> lines(area, w - 16, h - 32, series(queries, panelRanges), unit);
                case "heatmap" -> heatmap(area, w - 16, h - 32,
                        queries.isEmpty() ? null : panelRanges.get(queries.get(0).refId()));
                default -> text(area, table(panel, queries, panelInstant, unit));
            }
            area.dispose();
        }
        g.dispose();
        Files.createDirectories(file.getParent());
        ImageIO.write(image, "png", file.toFile());
    }

    private static List<Series> series(List<Target> queries, Map<String, JsonNode> ranges) {
        List<Series> all = new ArrayList<>();
        for (Target query : queries) {
            for (JsonNode result : ranges.get(query.refId())) {
                JsonNode values = result.path("values");
                double[] times = new double[values.size()];
                double[] points = new double[values.size()];
                for (int i = 0; i < values.size(); i++) {
                    times[i] = values.get(i).get(0).asDouble();
                    points[i] = parse(values.get(i).get(1).asText());
                }
                all.add(new Series(legend(query.legend(), result.path("metric")), times, points));
            }
        }
        return all;
    }

    private static void lines(Graphics2D g, int w, int h, List<Series> series, String unit) {
        int legendWidth = Math.min(330, w / 3);
        int plotW = w - legendWidth - 60;
        int plotH = h - 20;
        double tMin = Double.MAX_VALUE;
        double tMax = -Double.MAX_VALUE;
        double vMax = 0;
        for (Series s : series) {
            for (int i = 0; i < s.times().length; i++) {
                if (Double.isFinite(s.values()[i])) {
                    tMin = Math.min(tMin, s.times()[i]);
                    tMax = Math.max(tMax, s.times()[i]);
                    vMax = Math.max(vMax, s.values()[i]);
                }
            }
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        if (tMax <= tMin) {
            g.setColor(TEXT);
            g.drawString("no data", w / 2 - 20, h / 2);
            return;
        }
        vMax = vMax == 0 ? 1 : vMax * 1.1;
        for (int i = 0; i <= 4; i++) {
            int y = plotH - i * plotH / 4;
            g.setColor(GRID);
            g.drawLine(60, y, 60 + plotW, y);
            g.setColor(TEXT);
            g.drawString(format(vMax * i / 4, unit), 0, y + 4);
        }
        g.drawString(String.format(Locale.ROOT, "%.0f s of the test", tMax - tMin), 60 + plotW / 2 - 40, h - 2);
        g.setStroke(new BasicStroke(1.6f));
        int colour = 0;
        int legendY = 10;
        for (Series s : series) {
            Color c = PALETTE[colour++ % PALETTE.length];
            g.setColor(c);
            int prevX = -1;
            int prevY = -1;
            for (int i = 0; i < s.times().length; i++) {
                if (!Double.isFinite(s.values()[i])) {
                    prevX = -1;
                    continue;
                }
                int x = 60 + (int) ((s.times()[i] - tMin) / (tMax - tMin) * plotW);
                int y = plotH - (int) (s.values()[i] / vMax * plotH);
                if (prevX >= 0) {
                    g.drawLine(prevX, prevY, x, y);
                }
                prevX = x;
                prevY = y;
            }
            if (legendY < plotH) {
                g.fillRect(w - legendWidth, legendY - 8, 10, 3);
                g.setColor(TEXT);
                g.drawString(clip(g, s.legend() + "  " + format(last(s.values()), unit), legendWidth - 16),
                        w - legendWidth + 14, legendY);
                legendY += 14;
            }
        }
    }

    /** Buckets as rows (bottom: the smallest le), time as columns, colour by count. */
    private static void heatmap(Graphics2D g, int w, int h, JsonNode result) {
        TreeMap<Double, JsonNode> rows = new TreeMap<>();
        boolean nativeHistograms = false;
        if (result != null) {
            for (JsonNode series : result) {
                if (series.has("histograms")) {
                    nativeHistograms = true;
                } else {
                    rows.put(parse(series.path("metric").path("le").asText()), series.path("values"));
                }
            }
        }
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        if (rows.isEmpty()) {
            g.setColor(TEXT);
            g.drawString(nativeHistograms ? "native histograms: Grafana draws these, this picture does not"
                    : "no data", 10, h / 2);
            return;
        }
        // increase() of cumulative buckets: a row's own count is its le minus the one below.
        List<Map<Double, Double>> cells = new ArrayList<>();
        Map<Double, Double> below = Map.of();
        double tMin = Double.MAX_VALUE;
        double tMax = -Double.MAX_VALUE;
        double max = 0;
        for (JsonNode values : rows.values()) {
            Map<Double, Double> row = new LinkedHashMap<>();
            for (JsonNode point : values) {
                double t = point.get(0).asDouble();
                double v = parse(point.get(1).asText());
                double own = Math.max(0, (Double.isFinite(v) ? v : 0) - below.getOrDefault(t, 0.0));
                row.put(t, own);
                tMin = Math.min(tMin, t);
                tMax = Math.max(tMax, t);
                max = Math.max(max, own);
            }
            cells.add(row);
            below = new LinkedHashMap<>();
            for (JsonNode point : values) {
                below.put(point.get(0).asDouble(), parse(point.get(1).asText()));
            }
        }
        int plotW = w - 70;
        int rowH = Math.max(1, (h - 20) / rows.size());
        Iterator<Double> bounds = rows.keySet().iterator();
        for (int r = 0; r < cells.size(); r++) {
            int y = h - 20 - (r + 1) * rowH;
            g.setColor(TEXT);
            g.drawString(format(bounds.next(), "s"), 0, y + rowH - 2);
            for (Map.Entry<Double, Double> cell : cells.get(r).entrySet()) {
                if (cell.getValue() <= 0 || tMax <= tMin) {
                    continue;
                }
                float intensity = (float) Math.sqrt(cell.getValue() / max);
                g.setColor(new Color(1f, 0.55f * (1 - intensity) + 0.25f, 0.05f, 0.25f + 0.75f * intensity));
                int x = 70 + (int) ((cell.getKey() - tMin) / (tMax - tMin) * (plotW - 4));
                g.fillRect(x, y, Math.max(2, plotW / Math.max(1, cells.get(r).size())), rowH - 1);
            }
        }
    }

    /**
     * Instant results of a table or stat panel: one line per label set, one column per query,
     * each in its column's unit (a table's per-column overrides), value mappings applied.
     */
    private static List<String> table(JsonNode panel, List<Target> queries, Map<String, JsonNode> instant,
            String unit) {
        Map<String, List<String>> rows = new LinkedHashMap<>();
        for (Target query : queries) {
            String columnUnit = columnUnit(panel, query.refId(), unit);
            for (JsonNode result : instant.get(query.refId())) {
                String key = legend(query.legend(), result.path("metric"));
                rows.computeIfAbsent(key, k -> new ArrayList<>())
                        .add(columnName(panel, query.refId()) + "=" + mapped(panel, value(result), columnUnit));
            }
        }
        List<String> lines = new ArrayList<>();
        rows.forEach((key, values) -> lines.add(key + "   " + String.join("  ", values)));
        return lines;
    }

    /**
     * The unit of query {@code refId}'s column: Grafana names it {@code Value #refId}, which an
     * organize transformation may rename; a per-column override by either name wins.
     */
    private static String columnUnit(JsonNode panel, String refId, String unit) {
        String column = columnName(panel, refId);
        for (JsonNode override : panel.path("fieldConfig").path("overrides")) {
            String name = override.path("matcher").path("options").asText();
            if (name.equals("Value #" + refId) || name.equals(column)) {
                for (JsonNode property : override.path("properties")) {
                    if (property.path("id").asText().equals("unit")) {
                        return property.path("value").asText();
                    }
                }
            }
        }
        return unit;
    }

    /** The column name of query {@code refId} after the panel's organize transformation, if any. */
    private static String columnName(JsonNode panel, String refId) {
        for (JsonNode transformation : panel.path("transformations")) {
            JsonNode renamed = transformation.path("options").path("renameByName").path("Value #" + refId);
            if (transformation.path("id").asText().equals("organize") && renamed.isTextual()) {
                return renamed.asText();
            }
        }
        return refId;
    }

    private static String mapped(JsonNode panel, double value, String unit) {
        for (JsonNode mapping : panel.path("fieldConfig").path("defaults").path("mappings")) {
            JsonNode text = mapping.path("options").path(String.format(Locale.ROOT, "%.0f", value)).path("text");
            if (!text.isMissingNode() && value == Math.rint(value)) {
                return text.asText();
            }
        }
        return format(value, unit);
    }

    private static void text(Graphics2D g, List<String> lines) {
        g.setFont(new Font(Font.MONOSPACED, Font.PLAIN, 12));
        g.setColor(TEXT);
        FontMetrics metrics = g.getFontMetrics();
        int y = metrics.getHeight();
        for (String line : lines) {
            g.drawString(line, 0, y);
            y += metrics.getHeight();
        }
    }

    private static double value(JsonNode result) {
        JsonNode value = result.path("value");
        return value.isArray() ? parse(value.get(1).asText()) : Double.NaN;
    }

    private static String labels(JsonNode metric) {
        List<String> parts = new ArrayList<>();
        metric.fields().forEachRemaining(f -> {
            if (!f.getKey().equals("__name__") && !f.getKey().equals("job")) {
                parts.add(f.getKey() + "=" + f.getValue().asText());
            }
        });
        return String.join(" ", parts);
    }

    private static String legend(String format, JsonNode metric) {
        // "__auto" is Grafana's own legend: the series' labels.
        if (format.isEmpty() || format.equals("__auto")) {
            return labels(metric);
        }
        Matcher matcher = LEGEND_LABEL.matcher(format);
        StringBuilder out = new StringBuilder();
        while (matcher.find()) {
            matcher.appendReplacement(out, Matcher.quoteReplacement(metric.path(matcher.group(1)).asText()));
        }
        matcher.appendTail(out);
        return out.toString();
    }

    private static double last(double[] values) {
        for (int i = values.length - 1; i >= 0; i--) {
            if (Double.isFinite(values[i])) {
                return values[i];
            }
        }
        return Double.NaN;
    }

    private static double parse(String text) {
        return switch (text) {
            case "+Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN", "" -> Double.NaN;
            default -> Double.parseDouble(text);
        };
    }

    private static String format(double value, String unit) {
        if (!Double.isFinite(value)) {
            return Double.isNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";
        }
        return switch (unit) {
            case "s" -> value >= 1 || value == 0 ? String.format(Locale.ROOT, "%.2f s", value)
                    : value >= 1e-3 ? String.format(Locale.ROOT, "%.1f ms", value * 1e3)
                    : String.format(Locale.ROOT, "%.0f µs", value * 1e6);
            case "percentunit" -> String.format(Locale.ROOT, "%.1f%%", value * 100);
            case "reqps", "cps" -> String.format(Locale.ROOT, "%.2f/s", value);
            case "none" -> String.format(Locale.ROOT, "%.2f", value);
            case "bytes" -> String.format(Locale.ROOT, "%.0f MiB", value / (1 << 20));
            default -> String.format(Locale.ROOT, "%.3g", value);
        };
    }

    private static String clip(Graphics2D g, String text, int width) {
        FontMetrics metrics = g.getFontMetrics();
        String clipped = text;
        while (clipped.length() > 4 && metrics.stringWidth(clipped) > width) {
            clipped = clipped.substring(0, clipped.length() - 2);
        }
        return clipped.equals(text) ? text : clipped + "…";
    }
}
