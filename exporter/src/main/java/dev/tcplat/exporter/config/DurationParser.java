package dev.tcplat.exporter.config;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Prometheus writes them: a whole number and a unit, e.g. 500ms, 10s, 2m, 1h; and
 * back, so a message shows a duration the way the user wrote it rather than as {@code PT10S}.
 */
public final class DurationParser {
    private static final Pattern FORMAT = Pattern.compile("(\\d+)(ms|s|m|h)");
    /** The longest duration the exporter can hold: its clocks count nanoseconds in a long. */
    static final Duration MAX = Duration.ofNanos(Long.MAX_VALUE);
    private static final long MAX_HOURS = MAX.toHours();

    private DurationParser() {}

    /** @throws IllegalArgumentException with a one-line message */
    public static Duration parse(String text) {
        Matcher m = FORMAT.matcher(text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("'" + text + "' is not a duration; write e.g. 500ms, 10s, 2m or 1h");
        }
        Duration duration;
        try {
            long amount = Long.parseLong(m.group(1));
            duration = switch (m.group(2)) {
                case "ms" -> Duration.ofMillis(amount);
                case "s" -> Duration.ofSeconds(amount);
                case "m" -> Duration.ofMinutes(amount);
                default -> Duration.ofHours(amount);
            };
        } catch (NumberFormatException | ArithmeticException e) {
            duration = null; // more digits than a long holds, or more seconds
        }
        if (duration == null || duration.compareTo(MAX) > 0) {
            throw new IllegalArgumentException("'" + text + "' is too long; at most " + MAX_HOURS + "h");
        }
        return duration;
    }

    /** {@code duration} in the largest unit that writes it exactly: 0s, 500ms, 90s, 2m, 1h. */
    public static String format(Duration duration) {
        if (duration.isZero()) {
            return "0s";
        }
        if (duration.getNano() % 1_000_000 != 0) {
            return duration.toNanos() + "ns";
        }
        long millis = duration.toMillis();
        if (millis % 3_600_000 == 0) {
            return millis / 3_600_000 + "h";
        }
        if (millis % 60_000 == 0) {
            return millis / 60_000 + "m";
        }
        if (millis % 1_000 == 0) {
            return millis / 1_000 + "s";
        }
        return millis + "ms";
    }
}
