package dev.tcplat.exporter.match;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.match.RecordingListener.Outcome;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class InboundMatcherTest {
    private static final long SERVER_HI = 0x0ad3000200000000L;
    private static final long CLIENT_HI = 0x0ad3000100000000L;
    private static final long TIMEOUT = 10_000_000_000L;

    private final RecordingListener listener = new RecordingListener();
    private final List<Integer> forgottenPorts = new ArrayList<>();
    private final InboundMatcher matcher = new InboundMatcher(64, TIMEOUT, listener,
            tuple -> forgottenPorts.add(tuple.remotePort()));

    /** A connection from the client's {@code clientPort} to this host's port 443. */
    private static Tuple client(int clientPort) {
        return TestEvents.family(4).local(SERVER_HI, 0, 443).remote(CLIENT_HI, 0, clientPort);
    }

    private void syn(int clientPort, int seq, long ts) {
        matcher.onSyn(TestEvents.syn(client(clientPort), seq, ts));
    }

    private void synAck(int clientPort, int seq, int ack, long ts) {
        matcher.onSynAck(TestEvents.synAck(client(clientPort), seq, ack, ts));
    }

    private void ack(int clientPort, int ack, long ts) {
        matcher.onAck(TestEvents.ack(client(clientPort), ack, ts));
    }

    @Test
    void turnaroundIsTheHostsOwnDelayAndRttTheClientsRoundTrip() {
        syn(50000, 100, 1_000);
        synAck(50000, 7000, 101, 1_050);
        ack(50000, 7001, 31_050);

        assertThat(listener.outcomes).containsExactly(
                new Outcome("turnaround", Direction.INBOUND, 4, CLIENT_HI, 0, 443, 50, 0),
                new Outcome("handshake", Direction.INBOUND, 4, CLIENT_HI, 0, 443, 30_000, 30_050));
        assertThat(matcher.pendingCount()).isZero();
    }

    @Test
    void synAckNotAcknowledgingTheSynIsIgnored() {
        syn(50000, 100, 1_000);
        synAck(50000, 7000, 555, 1_050);
        ack(50000, 7001, 2_000);

        assertThat(listener.outcomes).isEmpty();
        assertThat(matcher.unmatchedAcks()).isEqualTo(1);
    }

    @Test
    void ackForAnotherSynAckSequenceIsNotAMatch() {
        syn(50000, 100, 1_000);
        synAck(50000, 7000, 101, 1_050);
        ack(50000, 9999, 2_000);

        assertThat(listener.of("handshake")).isEmpty();
        assertThat(matcher.unmatchedAcks()).isEqualTo(1);
        assertThat(matcher.pendingCount()).isEqualTo(1);
    }

    @Test
    void retransmittedSynAckGivesNoRttSample() {
        syn(50000, 100, 0);
        synAck(50000, 7000, 101, 10);
        synAck(50000, 7000, 101, 1_000_000_010L);
        ack(50000, 7001, 1_000_000_110L);

        Outcome handshake = listener.of("handshake").get(0);
        assertThat(handshake.nanos()).isEqualTo(-1);
        assertThat(listener.of("turnaround")).hasSize(1);
        assertThat(matcher.ambiguousRtt()).isEqualTo(1);
    }

    @Test
    void clientSynRetransmitsAreCounted() {
        syn(50000, 100, 0);
        syn(50000, 100, 1_000_000_000L);

        assertThat(listener.of("retransmit")).extracting(Outcome::direction).containsExactly(Direction.INBOUND);
    }

    @Test
    void unansweredHandshakeTimesOutOnceAndTheKernelForgetsItsSynAck() {
        syn(50000, 100, 0);
        synAck(50000, 7000, 101, 10);
        matcher.expire(TIMEOUT + 1);
        matcher.expire(TIMEOUT + 2);
        ack(50000, 7001, TIMEOUT + 3);

        assertThat(listener.of("timeout")).hasSize(1);
        assertThat(listener.of("handshake")).isEmpty();
        assertThat(forgottenPorts).containsExactly(50000);
    }

    @Test
    void resetRefusingTheClientsSynIsAFailure() {
        syn(50000, 100, 0);
        matcher.onReset(TestEvents.rst(client(50000), 101, true));

        assertThat(listener.of("reset")).extracting(Outcome::direction).containsExactly(Direction.INBOUND);
        assertThat(matcher.pendingCount()).isZero();
        assertThat(forgottenPorts).as("no SYN-ACK was sent, nothing to forget").isEmpty();
    }

    @Test
    void synAckReadBeforeTheClientsSynIsStillPaired() {
        synAck(50000, 7000, 101, 1_050);
        syn(50000, 100, 1_000);
        ack(50000, 7001, 31_050);

        assertThat(listener.outcomes).containsExactly(
                new Outcome("turnaround", Direction.INBOUND, 4, CLIENT_HI, 0, 443, 50, 0),
                new Outcome("handshake", Direction.INBOUND, 4, CLIENT_HI, 0, 443, 30_000, 30_050));
    }

    @Test
    void retransmittedSynAckIsCountedAndLeavesNoRttSample() {
        syn(50000, 100, 1_000);
        synAck(50000, 7000, 101, 2_000);
        synAck(50000, 7000, 101, 1_002_000);
        ack(50000, 7001, 1_003_000);

        assertThat(listener.of("synack-retransmit")).hasSize(1);
        assertThat(listener.of("handshake")).singleElement().satisfies(h -> assertThat(h.nanos()).isEqualTo(-1));
        assertThat(matcher.ambiguousRtt()).isEqualTo(1);
    }

    @Test
    void synAckTheKernelCouldNotTrackEndsTheHandshakeWithoutAFalseTimeout() {
        syn(50000, 100, 1_000);
        matcher.onSynAck(TestEvents.synAck(client(50000), 7000, 101, 1_050).ackTracked(false));
        matcher.expire(TIMEOUT * 2);

        assertThat(listener.of("turnaround")).hasSize(1);
        assertThat(listener.of("timeout")).isEmpty();
        assertThat(matcher.ackUntracked()).isEqualTo(1);
        assertThat(matcher.pendingCount()).isZero();
    }

    @Test
    void evictingAnAnsweredHandshakeTellsTheKernelToStopWaiting() {
        for (int port = 1; port <= 64; port++) {
            syn(port, port, port);
            synAck(port, 9000 + port, port + 1, port + 10);
        }
        syn(50000, 100, 1_000);

        assertThat(matcher.evictedTableFull()).isEqualTo(1);
        assertThat(forgottenPorts).hasSize(1);
        assertThat(matcher.pendingCount()).isEqualTo(64);
    }
}
