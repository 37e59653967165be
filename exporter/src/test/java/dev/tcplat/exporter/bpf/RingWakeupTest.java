package dev.tcplat.exporter.bpf;

import static dev.tcplat.exporter.packets.EthernetFrame.ETH_P_IP;
import static dev.tcplat.exporter.packets.EthernetFrame.ethernet;
import static dev.tcplat.exporter.packets.Ipv4Packet.ipv4;
import static dev.tcplat.exporter.packets.TcpFlags.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.packets.TcpSegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The program submits events without waking the reader (a wakeup is a self-interrupt inside the
 * packet being timed) until the ring fills past a quarter. These tests run the real program on
 * a small ring, with a reader blocked in the shim's wait as the drain thread is, and watch when
 * that wait ends.
 */
class RingWakeupTest {
    private static final int RING_BYTES = 1 << 16;
    /** Every record takes the event and the ring's 8-byte header. */
    private static final int RECORD_BYTES = EventLayout.EVENT_SIZE + 8;
    private static final int WAKE_MARK_RECORDS = RING_BYTES / 4 / RECORD_BYTES + 1;
    private static final int RING_RECORDS = RING_BYTES / RECORD_BYTES;
    /** Longer than any test waits, so only a wakeup ends a wait early. */
    private static final int LONG_WAIT_MS = 20_000;

    private final ExecutorService reader = Executors.newSingleThreadExecutor();
    private final ByteBuffer records = ByteBuffer.allocateDirect(RING_RECORDS * EventLayout.EVENT_SIZE)
            .order(ByteOrder.nativeOrder());
    private Probe probe;

    @BeforeEach
    void openProbe() throws ProbeException {
        probe = Probe.open(RING_BYTES);
    }

    @AfterEach
    void closeProbe() throws InterruptedException {
        // a blocked wait ends with a wakeup or its timeout: fill the ring to end it quickly
        reader.shutdown();
        if (!reader.awaitTermination(100, TimeUnit.MILLISECONDS)) {
            for (int i = 0; i < RING_RECORDS && !reader.isTerminated(); i++) {
                runSyn(i);
            }
            reader.awaitTermination(LONG_WAIT_MS, TimeUnit.MILLISECONDS);
        }
        probe.close();
    }

    private void runSyn(int n) {
        TcpSegment tcp = new TcpSegment().ports(40000 + n % 20000, 443).flags(SYN).seq(n);
        try {
            probe.testRun(ProgramVariant.EGRESS_ETH, ethernet(ETH_P_IP, ipv4(TestHosts.V4_CLIENT, TestHosts.V4_SERVER, tcp)));
        } catch (ProbeException e) {
            throw new AssertionError(e);
        }
    }

    /** A reader blocked in the shim's wait, as the drain thread is between reads. */
    private Future<Integer> blockedReader() throws Exception {
        CompletableFuture<Void> waiting = new CompletableFuture<>();
        Future<Integer> read = reader.submit(() -> {
            waiting.complete(null);
            return probe.poll(records, RING_RECORDS, LONG_WAIT_MS);
        });
        waiting.get(5, TimeUnit.SECONDS);
        Thread.sleep(100);  // into epoll_wait
        assertThat(read.isDone()).as("the reader found the ring empty and waits").isFalse();
        return read;
    }

    @Test
    void eventsBelowTheMarkDoNotWakeTheReaderAndTheFirstPastItDoes() throws Exception {
        Future<Integer> read = blockedReader();

        for (int i = 0; i < WAKE_MARK_RECORDS - 1; i++) {
            runSyn(i);
        }
        Thread.sleep(300);
        assertThat(read.isDone()).as("woken below a quarter of the ring").isFalse();

        runSyn(WAKE_MARK_RECORDS);
        assertThat(read.get(5, TimeUnit.SECONDS)).as("events read by the woken reader").isEqualTo(WAKE_MARK_RECORDS);
        assertThat(probe.counter(EventLayout.COUNTER_RINGBUF_FULL)).isZero();
    }

    @Test
    void aWaitThatTimesOutStillReadsWhatCameWithoutAWakeup() throws Exception {
        for (int i = 0; i < 3; i++) {
            runSyn(i);
        }
        // the events went in before the wait: the first read finds them without waiting
        assertThat(probe.poll(records, RING_RECORDS, 0)).isEqualTo(3);

        Future<Integer> read = reader.submit(() -> probe.poll(records, RING_RECORDS, 300));
        Thread.sleep(100);
        runSyn(3);
        runSyn(4);
        assertThat(read.get(5, TimeUnit.SECONDS)).as("read at the wait's timeout").isEqualTo(2);
    }

    @Test
    void aBurstPastTheRingIsCountedExactly() throws Exception {
        int burst = RING_RECORDS + 100;
        for (int i = 0; i < burst; i++) {
            runSyn(i);
        }

        int read = 0;
        int n;
        while ((n = probe.poll(records, RING_RECORDS, 0)) > 0) {
            read += n;
        }
        assertThat(read).as("events that fit").isEqualTo(RING_RECORDS);
        assertThat(probe.counter(EventLayout.COUNTER_RINGBUF_FULL)).as("counted drops").isEqualTo(burst - RING_RECORDS);
    }
}
