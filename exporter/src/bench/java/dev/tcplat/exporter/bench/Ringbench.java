package dev.tcplat.exporter.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs ebpf/bench's ringbench (the synthetic event generator and the C reference consumer) and
 * parses its "name value" lines.
 */
final class Ringbench {
    private final Path binary;
    private final Path buildDir;

    Ringbench(Path buildDir) {
        this.buildDir = buildDir;
        this.binary = buildDir.resolve("bench/ringbench");
    }

    /** Fills this process' ring with {@code events} events. */
    Map<String, Double> fill(long events) throws IOException, InterruptedException {
        return run("fill", "-p", pid(), "-e", Long.toString(events));
    }

    /** Feeds this process' ring at {@code rate} events/s for {@code seconds}. */
    Map<String, Double> produce(double rate, double seconds) throws IOException, InterruptedException {
        return run("produce", "-p", pid(), "-r", Double.toString(rate), "-s", Double.toString(seconds));
    }

    /** The C reference consumer's drain rate over {@code rounds} fills of {@code events}. */
    Map<String, Double> reference(long events, int rounds) throws IOException, InterruptedException {
        return run("ref", "-e", Long.toString(events), "-n", Integer.toString(rounds));
    }

    private static String pid() {
        return Long.toString(ProcessHandle.current().pid());
    }

    private Map<String, Double> run(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(List.of(args));
        command.add("-b");
        command.add(buildDir.toString());
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.waitFor() != 0) {
            throw new IOException("ringbench " + String.join(" ", args) + " failed: " + out.strip());
        }
        Map<String, Double> values = new HashMap<>();
        for (String line : out.split("\n")) {
            String[] parts = line.trim().split("\\s+");
            if (parts.length == 2) {
                values.put(parts[0], Double.parseDouble(parts[1]));
            }
        }
        return values;
    }
}
