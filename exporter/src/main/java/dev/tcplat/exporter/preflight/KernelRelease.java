package dev.tcplat.exporter.preflight;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A kernel release as {@code uname -r} prints it ({@code 6.1.0-18-amd64}), compared by major.minor. */
record KernelRelease(String text, int major, int minor) {
    private static final Pattern VERSION = Pattern.compile("(\\d+)\\.(\\d+).*");

    /** @throws IllegalArgumentException if {@code text} does not start with MAJOR.MINOR */
    static KernelRelease parse(String text) {
        Matcher m = VERSION.matcher(text.strip());
        if (!m.matches()) {
            throw new IllegalArgumentException("unrecognised kernel release '" + text + "'");
        }
        return new KernelRelease(text.strip(), Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)));
    }

    boolean atLeast(int wantedMajor, int wantedMinor) {
        return major > wantedMajor || (major == wantedMajor && minor >= wantedMinor);
    }
}
