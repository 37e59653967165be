package dev.tcplat.exporter.e2e;

import java.util.concurrent.DelayQueue;
import java.util.concurrent.Delayed;
import java.util.concurrent.TimeUnit;

/**
 * Runs tasks at a System.nanoTime() deadline to within microseconds, for the fake peers whose
 * delays are the ground truth of latency tests. A plain scheduled executor wakes up late by the
 * timer slack and the scheduler's latency, often 50-100 µs and far more on a loaded machine;
 * here the thread wakes {@link #SPIN_NANOS} early and spins the rest of the way.
 */
final class PreciseScheduler implements AutoCloseable {
    private static final long SPIN_NANOS = 1_000_000;

    private final DelayQueue<Task> queue = new DelayQueue<>();
    private final Thread thread;
    private volatile boolean running = true;

    PreciseScheduler(String name) {
        thread = new Thread(this::runLoop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Runs {@code task} on this scheduler's thread at {@code deadlineNanos} (System.nanoTime()). */
    void at(long deadlineNanos, Runnable task) {
        queue.add(new Task(deadlineNanos, task));
    }

    private void runLoop() {
        RealtimeThread.raiseCurrent();
        while (running) {
            Task task;
            try {
                task = queue.poll(100, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                return;
            }
            if (task == null) {
                continue;
            }
            while (System.nanoTime() - task.deadline < 0) {
                Thread.onSpinWait();
            }
            task.action.run();
        }
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.interrupt();
        thread.join(2000);
    }

    private record Task(long deadline, Runnable action) implements Delayed {
        @Override
        public long getDelay(TimeUnit unit) {
            return unit.convert(deadline - SPIN_NANOS - System.nanoTime(), TimeUnit.NANOSECONDS);
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(deadline, ((Task) other).deadline);
        }
    }
}
