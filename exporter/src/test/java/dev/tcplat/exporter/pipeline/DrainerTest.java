package dev.tcplat.exporter.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.bpf.EventSource;
import dev.tcplat.exporter.bpf.ProbeException;
import dev.tcplat.exporter.match.HandshakeEvent;
import dev.tcplat.exporter.match.InboundMatcher;
import dev.tcplat.exporter.match.OutboundMatcher;
import dev.tcplat.exporter.match.RecordingListener;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class DrainerTest {
    private static EventDecoder decoder(RecordingListener listener) {
        return new EventDecoder(new OutboundMatcher(8, 1_000_000L, listener),
                new InboundMatcher(8, 1_000_000L, listener, tuple -> { }));
    }

    @Test
    void failingSourceStopsTheDrainerAndReportsOnce() throws Exception {
        CountDownLatch failed = new CountDownLatch(1);
        AtomicInteger polls = new AtomicInteger();
        EventSource broken = (buf, max, timeout) -> {
            polls.incrementAndGet();
            throw new ProbeException("ring gone", 9);
        };
        Drainer drainer = new Drainer(broken, decoder(new RecordingListener()), System::nanoTime, failed::countDown);

        drainer.start();

        assertThat(failed.await(5, TimeUnit.SECONDS)).isTrue();
        drainer.close();
        assertThat(polls.get()).isEqualTo(1);
    }

    /** A matcher holding one SYN that times out after 1 us, fed by {@code source}'s events. */
    private static final class OneSynPending {
        final RecordingListener listener = new RecordingListener();
        final OutboundMatcher matcher = new OutboundMatcher(8, 1_000L, listener);
        final EventDecoder decoder = new EventDecoder(matcher, new InboundMatcher(8, 1_000L, listener, tuple -> { }));

        OneSynPending() {
            HandshakeEvent syn = new HandshakeEvent().reset(HandshakeEvent.Kind.SYN, true, 0).sequence(5, 0, false);
            syn.tuple().family(4).local(1, 0, 1).remote(2, 0, 80);
            matcher.onSyn(syn);
        }
    }

    @Test
    void idleReadsExpirePendingHandshakesOnTheTick() throws Exception {
        long[] clock = {0};
        OneSynPending pending = new OneSynPending();
        List<Integer> timeoutsSeenByRead = new ArrayList<>();
        CountDownLatch reads = new CountDownLatch(4);
        EventSource idle = (ByteBuffer buf, int max, int timeout) -> {
            timeoutsSeenByRead.add(pending.listener.of("timeout").size());
            clock[0] += TimeUnit.MILLISECONDS.toNanos(40);
            reads.countDown();
            return 0;
        };
        Drainer drainer = new Drainer(idle, pending.decoder, () -> clock[0], () -> { });
        drainer.start();
        assertThat(reads.await(5, TimeUnit.SECONDS)).isTrue();
        drainer.close();

        // reads start at 0, 40, 80 and 120 ms; the read that began at 120 ms is the first a
        // whole 100 ms tick after the start, and expiry runs right after it
        assertThat(timeoutsSeenByRead.subList(0, 4)).containsExactly(0, 0, 0, 0);
        assertThat(pending.matcher.pendingCount()).isZero();
        assertThat(pending.listener.of("timeout")).hasSize(1);
    }

    @Test
    void expiryWaitsForAReadThatEmptiesTheRing() throws Exception {
        long[] clock = {0};
        OneSynPending pending = new OneSynPending();
        List<Integer> timeoutsSeenByRead = new ArrayList<>();
        CountDownLatch reads = new CountDownLatch(4);
        // three full batches (the ring still holds more, maybe the SYN's answer), then empty
        EventSource behind = (ByteBuffer buf, int max, int timeout) -> {
            timeoutsSeenByRead.add(pending.listener.of("timeout").size());
            clock[0] += TimeUnit.MILLISECONDS.toNanos(200);
            reads.countDown();
            return timeoutsSeenByRead.size() <= 3 ? max : 0;
        };
        Drainer drainer = new Drainer(behind, pending.decoder, () -> clock[0], () -> { });
        drainer.start();
        assertThat(reads.await(5, TimeUnit.SECONDS)).isTrue();
        drainer.close();

        assertThat(timeoutsSeenByRead.subList(0, 4)).containsExactly(0, 0, 0, 0);
        assertThat(pending.listener.of("timeout")).hasSize(1);
    }

    @Test
    void aReaderThatStaysBehindStillExpires() throws Exception {
        long[] clock = {0};
        OneSynPending pending = new OneSynPending();
        List<Integer> timeoutsSeenByRead = new ArrayList<>();
        CountDownLatch reads = new CountDownLatch(7);
        EventSource alwaysFull = (ByteBuffer buf, int max, int timeout) -> {
            timeoutsSeenByRead.add(pending.listener.of("timeout").size());
            clock[0] += TimeUnit.MILLISECONDS.toNanos(300);
            reads.countDown();
            return max;
        };
        Drainer drainer = new Drainer(alwaysFull, pending.decoder, () -> clock[0], () -> { });
        drainer.start();
        assertThat(reads.await(5, TimeUnit.SECONDS)).isTrue();
        drainer.close();

        // a second behind is reached after the fourth read (1.2 s); the fifth read sees the timeout
        assertThat(timeoutsSeenByRead.subList(0, 6)).containsExactly(0, 0, 0, 0, 1, 1);
    }
}
