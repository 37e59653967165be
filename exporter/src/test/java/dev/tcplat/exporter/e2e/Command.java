package dev.tcplat.exporter.e2e;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/** Runs a short-lived external command (ip, tc, bpftool) to completion and captures its output. */
final class Command {
    private static final long TIMEOUT_SECONDS = 20;

    private Command() {}

    /** What a finished command printed, and how it exited. */
    record Result(List<String> argv, int exitCode, String stdout, String stderr) {
        boolean ok() {
            return exitCode == 0;
        }

        /** Returns this result if the command succeeded; otherwise throws with everything it printed. */
        Result check() {
            if (!ok()) {
                throw new IllegalStateException(String.join(" ", argv) + " exited " + exitCode
                        + "\nstdout: " + stdout.strip() + "\nstderr: " + stderr.strip());
            }
            return this;
        }
    }

    static Result run(String... argv) {
        return run(List.of(argv));
    }

    /**
     * Runs {@code argv} with no input; kills it after 20 s. Never throws for a non-zero exit.
     * The command starts in the network namespace of the calling thread, so call this from
     * ordinary test threads and use {@code ip -n}/{@code ip netns exec} to reach a namespace.
     */
    static Result run(List<String> argv) {
        ProcessBuilder builder = new ProcessBuilder(argv).redirectInput(new File("/dev/null"));
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run " + String.join(" ", argv), e);
        }
        // Both pipes are drained concurrently so a chatty command cannot block on a full pipe.
        CompletableFuture<String> out = drain(process.getInputStream());
        CompletableFuture<String> err = drain(process.getErrorStream());
        try {
            if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                throw new IllegalStateException(String.join(" ", argv) + " did not finish in "
                        + TIMEOUT_SECONDS + " s");
            }
            return new Result(List.copyOf(argv), process.exitValue(), out.get(), err.get());
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while running " + String.join(" ", argv), e);
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the output of " + String.join(" ", argv), e);
        }
    }

    private static CompletableFuture<String> drain(InputStream stream) {
        CompletableFuture<String> text = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (stream) {
                text.complete(new String(stream.readAllBytes(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                text.completeExceptionally(e);
            }
        }, "command-output");
        reader.setDaemon(true);
        reader.start();
        return text;
    }
}
