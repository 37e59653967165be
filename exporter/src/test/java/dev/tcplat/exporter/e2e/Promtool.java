package dev.tcplat.exporter.e2e;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Prometheus' own checker, {@code promtool} (shipped in Debian's {@code prometheus} package), run
 * on files of the project or of a test: {@code check metrics} reads a scrape on standard input,
 * {@code test rules} and {@code check rules} take file names.
 */
final class Promtool {
    static final String BINARY = "promtool";
    private static final long TIMEOUT_SECONDS = 60;

    private Promtool() {}

    /** How promtool ended, and everything it printed (stdout and stderr together). */
    record Result(List<String> argv, int exitCode, String output) {
        @Override
        public String toString() {
            return String.join(" ", argv) + " exited " + exitCode + ":\n" + output;
        }
    }

    /** Runs {@code promtool args...} with {@code input} as standard input (null for none). */
    static Result run(Path input, String... args) throws IOException, InterruptedException {
        List<String> argv = new ArrayList<>(List.of(BINARY));
        argv.addAll(List.of(args));
        Process process;
        try {
            process = new ProcessBuilder(argv).redirectErrorStream(true)
                    .redirectInput(input == null ? new File("/dev/null") : input.toFile()).start();
        } catch (IOException e) {
            throw new IOException("cannot run promtool (package prometheus): install it with"
                    + " 'scripts/install-deps.sh --test'", e);
        }
        // promtool prints little, so reading to the end before waiting cannot deadlock on a pipe.
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IOException(String.join(" ", argv) + " did not finish in " + TIMEOUT_SECONDS + " s");
        }
        return new Result(List.copyOf(argv), process.exitValue(), output);
    }
}
