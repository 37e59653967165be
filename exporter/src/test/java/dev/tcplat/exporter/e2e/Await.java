package dev.tcplat.exporter.e2e;

import java.time.Duration;
import java.util.function.Supplier;

/** Polling for a condition that becomes true asynchronously, with a message saying what was seen. */
final class Await {
    private static final long POLL_MS = 50;

    private Await() {}

    /** A check that may throw; false or an exception both mean "not yet". */
    @FunctionalInterface
    interface Condition {
        boolean test() throws Exception;
    }

    /** Polls {@code condition} until it holds; fails after {@code timeout} with {@code state}. */
    static void until(Condition condition, Duration timeout, Supplier<String> state) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        Exception last = null;
        while (true) {
            try {
                if (condition.test()) {
                    return;
                }
            } catch (Exception e) {
                last = e;
            }
            if (System.nanoTime() - deadline >= 0) {
                AssertionError error = new AssertionError("not true after " + timeout.toMillis() + " ms: "
                        + state.get());
                if (last != null) {
                    error.addSuppressed(last);
                }
                throw error;
            }
            Thread.sleep(POLL_MS);
        }
    }
}
