package dev.tcplat.exporter.pipeline;

import dev.tcplat.exporter.bpf.EventLayout;
import dev.tcplat.exporter.bpf.EventSource;
import dev.tcplat.exporter.bpf.ProbeException;
import dev.tcplat.exporter.lifecycle.Threads;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that owns the ring buffer and the matchers: it drains batches until the ring is
 * empty, then waits for more with a timeout that doubles as the matchers' expiry tick. Nothing
 * else touches the matchers, so they need no locks.
 *
 * <p>{@link #close()} joins the thread, so the caller may free the ring (close the probe) right
 * after it returns.
 */
public final class Drainer implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(Drainer.class);

    /** Records per native call: one JNA downcall per batch instead of per event. */
    public static final int BATCH = 256;
    private static final int WAIT_MS = 100;
    /**
     * After a batch that emptied the ring, let events gather this long before reading again.
     * Reading at once would make a downcall, and a wake-up, for every few events at high rates;
     * waiting 1 ms keeps batches full from about 256 000 events/s up, while the ring's default
     * 8 MiB hold over 20 ms of events at 5 M/s. Latency is measured with kernel timestamps, so
     * the wait only delays when /metrics shows a handshake, by at most a millisecond.
     */
    private static final long GATHER_NS = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long EXPIRE_EVERY_NS = TimeUnit.MILLISECONDS.toNanos(WAIT_MS);

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
        long nextExpiry = monotonicClock.getAsLong() + EXPIRE_EVERY_NS;
        try {
            while (running) {
                int n = source.poll(buffer, BATCH, WAIT_MS);
                if (n > 0) {
                    decoder.decode(buffer, n);
                    batches++;
                    events += n;
                    lastEventNanos = monotonicClock.getAsLong();
                    batchSizes.accept(n);
                    if (n < BATCH) {
                        LockSupport.parkNanos(GATHER_NS);
                    }
                }
                long now = monotonicClock.getAsLong();
                // Expire on a tick even under constant load, when the wait never times out.
                if (n == 0 || now - nextExpiry >= 0) {
                    decoder.expire(now);
                    nextExpiry = now + EXPIRE_EVERY_NS;
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
