package dev.tcplat.exporter.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.bpf.EventSource;
import dev.tcplat.exporter.bpf.ProbeException;
import dev.tcplat.exporter.match.HandshakeEvent;
import dev.tcplat.exporter.match.InboundMatcher;
import dev.tcplat.exporter.match.OutboundMatcher;
import dev.tcplat.exporter.match.RecordingListener;
import java.nio.ByteBuffer;
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

    @Test
    void idleWaitsExpirePendingHandshakes() throws Exception {
        long[] clock = {0};
        RecordingListener listener = new RecordingListener();
        OutboundMatcher matcher = new OutboundMatcher(8, 1_000L, listener);
        HandshakeEvent syn = new HandshakeEvent().reset(HandshakeEvent.Kind.SYN, true, 0).sequence(5, 0, false);
        syn.tuple().family(4).local(1, 0, 1).remote(2, 0, 80);
        matcher.onSyn(syn);
        EventDecoder decoder = new EventDecoder(matcher, new InboundMatcher(8, 1_000L, listener, tuple -> { }));
        CountDownLatch idlePolls = new CountDownLatch(3);
        EventSource idle = (ByteBuffer buf, int max, int timeout) -> {
            clock[0] += 10_000;
            idlePolls.countDown();
            return 0;
        };
        Drainer drainer = new Drainer(idle, decoder, () -> clock[0], () -> { });
        drainer.start();
        assertThat(idlePolls.await(5, TimeUnit.SECONDS)).isTrue();
        drainer.close();

        assertThat(matcher.pendingCount()).isZero();
        assertThat(listener.of("timeout")).hasSize(1);
    }
}
