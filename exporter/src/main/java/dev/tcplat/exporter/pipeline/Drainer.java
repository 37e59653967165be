package dev.tcplat.exporter.pipeline;

import dev.tcplat.exporter.bpf.EventLayout;
import dev.tcplat.exporter.bpf.EventSource;
import dev.tcplat.exporter.bpf.ProbeException;
import dev.tcplat.exporter.lifecycle.Threads;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the ring buffer and the matchers: it drains batches until the ring is
 * empty, then waits for more on a short timer, and expires handshakes on a slower tick. Nothing
 * else touches the matchers, so they need no locks.
 *
 * <p>{@link #close()} joins the thread, so the caller may free the ring (close the probe) right
 * after it returns.
 */
public final class Drainer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Drainer.class);

    /** Records per native call: one JNA downcall per batch instead of per event. */
    public static final int BATCH = 256;
    /**
     * How long a read waits for the ring. The program submits without waking the reader
     * (ring_wakeup.bpf.h): a wakeup would be a self-interrupt inside the very packet being timed.
     * So this timer is what reads the ring at ordinary rates, and it bounds how late
     * {@code /metrics} shows a handshake: by about this long plus one scrape. A burst that fills
     * a quarter of the ring wakes the read at once, so the timer never has to keep up with a rate.
     * Between reads events gather, so batches are full at high rates with no pause of our own.
     */
    public static final int READ_EVERY_MS = 20;
    /** How often handshakes are checked for a timeout; the timeouts are seconds long. */
    private static final long EXPIRE_EVERY_NS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * Expiry normally waits for a read that empties the ring, so that no answer still in the ring
     * counts its handshake as timed out. A reader that stays behind this long expires anyway.
     */
    private static final long EXPIRE_BEHIND_NS = TimeUnit.SECONDS.toNanos(1);

    private final EventSource source;
    private final EventDecoder decoder;
    private final LongSupplier monotonicClock;
    private final ByteBuffer buffer;
    private final Thread thread;
    private final Runnable onFailure;
    private final IntConsumer batchSizes;

    private volatile boolean running = true;
    private volatile long batches;
    private volatile long events;
    private volatile long lastEventNanos;

    /**
     * @param monotonicClock the kernel clock BPF stamps events with; bpf_ktime_get_ns() is
     *     CLOCK_MONOTONIC, and so is System.nanoTime() on Linux, so the two can be compared
     * @param onFailure run once if reading the ring fails; the drainer has stopped by then
     */
    public Drainer(EventSource source, EventDecoder decoder, LongSupplier monotonicClock, Runnable onFailure) {
        this(source, decoder, monotonicClock, onFailure, n -> { });
    }

    /** @param batchSizes told the number of events of every non-empty batch, on the drain thread */
    public Drainer(EventSource source, EventDecoder decoder, LongSupplier monotonicClock, Runnable onFailure,
            IntConsumer batchSizes) {
        this.batchSizes = batchSizes;
        this.source = source;
        this.decoder = decoder;
        this.monotonicClock = monotonicClock;
        this.onFailure = onFailure;
        this.buffer = ByteBuffer.allocateDirect(BATCH * EventLayout.EVENT_SIZE).order(ByteOrder.nativeOrder());
        this.thread = new Thread(this::run, "tcplat-drainer");
    }

    public void start() {
        thread.start();
    }

    private void run() {
        long lastExpiry = monotonicClock.getAsLong();
        long drainedUpTo = lastExpiry;
        try {
            while (running) {
                long readStart = monotonicClock.getAsLong();
                int n = source.poll(buffer, BATCH, READ_EVERY_MS);
                if (n > 0) {
                    decoder.decode(buffer, n);
                    batches++;
                    events += n;
                    lastEventNanos = monotonicClock.getAsLong();
                    batchSizes.accept(n);
                }
                if (n < BATCH) {
                    // every event stamped before this read began has now been decoded
                    drainedUpTo = readStart;
                }
                long now = monotonicClock.getAsLong();
                if (drainedUpTo - lastExpiry >= EXPIRE_EVERY_NS) {
                    decoder.expire(drainedUpTo);
                    lastExpiry = drainedUpTo;
                } else if (now - lastExpiry >= EXPIRE_BEHIND_NS) {
                    decoder.expire(now);
                    lastExpiry = now;
                }
            }
        } catch (ProbeException | RuntimeException e) {
            log.error("stopped reading handshake events: {}", e.getMessage());
            running = false;
            onFailure.run();
        }
    }

    public long batches() {
        return batches;
    }

    public long events() {
        return events;
    }

    /** System.nanoTime() of the last batch with events, or 0 if none arrived yet. */
    public long lastEventNanos() {
        return lastEventNanos;
    }

    /** Stops the loop and waits for the thread; returns within about one wait timeout. */
    @Override
    public void close() {
        running = false;
        if (thread == Thread.currentThread()) {
            return;
        }
        Threads.joinUninterruptibly(thread);
    }
}
