package dev.tcplat.exporter.lifecycle;

/** Thread helpers shared by the parts that own a thread. */
public final class Threads {
    private Threads() {}

    /**
     * Waits for {@code thread} to end, even if interrupted meanwhile (the interrupt is kept for the
     * caller): a close() that returned before its thread ended could free what the thread still uses.
     */
    public static void joinUninterruptibly(Thread thread) {
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
    }
}
