package dev.tcplat.exporter.e2e;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * A line chart of a few time series as a PNG, drawn with java.awt (headless): one chart per
 * {@link Chart}, stacked vertically. For the test report, so a person can see what the queries
 * returned; nothing asserts on the image.
 */
final class SeriesPlot {
    private static final int WIDTH = 1000;
    private static final int CHART_HEIGHT = 320;
    private static final int LEFT = 90;
    private static final int RIGHT = 260;
    private static final int TOP = 40;
    private static final int BOTTOM = 40;
    private static final Color[] PALETTE = {new Color(0x1f77b4), new Color(0xd62728), new Color(0x2ca02c),
            new Color(0xff7f0e), new Color(0x9467bd), new Color(0x8c564b), new Color(0xe377c2), new Color(0x7f7f7f)};

    /** One series: (seconds since the chart's start, value) points; NaN values leave a gap. */
    record Series(String name, List<double[]> points) {}

    /** One chart: its title, the unit of its y axis (a scale factor and its label), its series. */
    record Chart(String title, String unitLabel, double unitScale, List<Series> series) {}

    private SeriesPlot() {}

    static void write(Path png, List<Chart> charts) throws IOException {
        System.setProperty("java.awt.headless", "true");
        BufferedImage image = new BufferedImage(WIDTH, CHART_HEIGHT * charts.size(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, image.getWidth(), image.getHeight());
            for (int i = 0; i < charts.size(); i++) {
                draw(g, charts.get(i), i * CHART_HEIGHT);
            }
        } finally {
            g.dispose();
        }
        Files.createDirectories(png.toAbsolutePath().getParent());
        ImageIO.write(image, "png", png.toFile());
    }

    private static void draw(Graphics2D g, Chart chart, int y0) {
        int plotW = WIDTH - LEFT - RIGHT;
        int plotH = CHART_HEIGHT - TOP - BOTTOM;
        double maxX = 1;
        double maxY = 0;
        for (Series s : chart.series()) {
            for (double[] p : s.points()) {
                maxX = Math.max(maxX, p[0]);
                if (Double.isFinite(p[1])) {
                    maxY = Math.max(maxY, p[1] * chart.unitScale());
                }
            }
        }
        maxY = niceCeiling(maxY);

        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.setColor(Color.BLACK);
        g.drawString(chart.title(), LEFT, y0 + 22);
        g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
        int ticks = 5;
        for (int t = 0; t <= ticks; t++) {
            int y = y0 + TOP + plotH - plotH * t / ticks;
            g.setColor(new Color(0xe0e0e0));
            g.drawLine(LEFT, y, LEFT + plotW, y);
            g.setColor(Color.DARK_GRAY);
            g.drawString(String.format("%.3g %s", maxY * t / ticks, chart.unitLabel()), 5, y + 4);
            int x = LEFT + plotW * t / ticks;
            g.drawString(String.format("%.0f s", maxX * t / ticks), x - 10, y0 + TOP + plotH + 16);
        }
        g.setColor(Color.BLACK);
        g.drawRect(LEFT, y0 + TOP, plotW, plotH);

        g.setStroke(new BasicStroke(2f));
        for (int i = 0; i < chart.series().size(); i++) {
            Series s = chart.series().get(i);
            g.setColor(PALETTE[i % PALETTE.length]);
            List<int[]> run = new ArrayList<>();
            for (double[] p : s.points()) {
                if (!Double.isFinite(p[1])) {
                    polyline(g, run);
                    run.clear();
                    continue;
                }
                int x = LEFT + (int) Math.round(plotW * p[0] / maxX);
                int y = y0 + TOP + plotH - (int) Math.round(maxY == 0 ? 0 : plotH * p[1] * chart.unitScale() / maxY);
                run.add(new int[] {x, y});
            }
            polyline(g, run);
            int legendY = y0 + TOP + 14 + 18 * i;
            g.fillRect(LEFT + plotW + 12, legendY - 8, 14, 4);
            g.setColor(Color.BLACK);
            g.drawString(s.name(), LEFT + plotW + 32, legendY - 2);
        }
        g.setStroke(new BasicStroke(1f));
    }

    private static void polyline(Graphics2D g, List<int[]> run) {
        if (run.size() == 1) {
            g.fillOval(run.get(0)[0] - 2, run.get(0)[1] - 2, 4, 4);
        }
        for (int i = 1; i < run.size(); i++) {
            g.drawLine(run.get(i - 1)[0], run.get(i - 1)[1], run.get(i)[0], run.get(i)[1]);
        }
    }

    /** 1, 2 or 5 times a power of ten, at least {@code value}. */
    private static double niceCeiling(double value) {
        if (value <= 0) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * power >= value) {
                return m * power;
            }
        }
        return 10 * power;
    }
}
