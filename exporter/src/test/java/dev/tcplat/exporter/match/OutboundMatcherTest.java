package dev.tcplat.exporter.match;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class OutboundMatcherTest {
    private static final long LOCAL_HI = 0x0ad3000100000000L; // 10.211.0.1
    private static final long REMOTE_HI = 0x0ad3000200000000L; // 10.211.0.2
    private static final long TIMEOUT = 10_000_000_000L;
    private static final long SECOND = 1_000_000_000L;

    private final RecordingListener listener = new RecordingListener();
    private final OutboundMatcher matcher = new OutboundMatcher(1024, TIMEOUT, listener);

    /** A connection from this host's {@code localPort} to the remote's port 443. */
    private static Tuple conn(int localPort) {
        return TestEvents.family(4).local(LOCAL_HI, 0, localPort).remote(REMOTE_HI, 0, 443);
    }

    private void syn(int localPort, int seq, long ts) {
        matcher.onSyn(TestEvents.syn(conn(localPort), seq, ts));
    }

    private void synWithTs(int seq, int tsval, long ts) {
        matcher.onSyn(TestEvents.syn(conn(40000), seq, ts).timestamps(true, tsval, 0));
    }

    private void synAck(int localPort, int ack, long ts) {
        matcher.onSynAck(TestEvents.synAck(conn(localPort), 0, ack, ts));
    }

    private void synAckEchoing(int ack, int tsecr, long ts) {
        matcher.onSynAck(TestEvents.synAck(conn(40000), 0, ack, ts).timestamps(true, 0, tsecr));
    }

    private void rst(int ack, boolean ackFlag) {
        matcher.onReset(TestEvents.rst(conn(40000), ack, ackFlag));
    }

    private long onlyRtt() {
        assertThat(listener.of("handshake")).hasSize(1);
        return listener.of("handshake").get(0).nanos();
    }

    @Test
    void synAckAcknowledgingTheSynGivesOneSampleOfTheTimestampDifference() {
        syn(40000, 1000, 5_000);
        synAck(40000, 1001, 5_000 + 1_234_567);

        assertThat(listener.outcomes).containsExactly(
                new RecordingListener.Outcome("handshake", Direction.OUTBOUND, 4, REMOTE_HI, 0, 443, 1_234_567, 1_234_567));
        assertThat(matcher.pendingCount()).isZero();
        assertThat(matcher.matched()).isEqualTo(1);
    }

    @Test
    void synAckWithWrongAckIsCountedAndLeavesTheSynPending() {
        syn(40000, 1000, 5_000);
        synAck(40000, 1000, 6_000);
        synAck(40000, 77, 6_000);

        assertThat(listener.outcomes).isEmpty();
        assertThat(matcher.ackMismatches()).isEqualTo(2);
        assertThat(matcher.pendingCount()).isEqualTo(1);

        synAck(40000, 1001, 9_000);
        assertThat(onlyRtt()).isEqualTo(4_000);
    }

    @Test
    void seqPlusOneWrapsAroundTwoToTheThirtySecond() {
        syn(40000, 0xffffffff, 100);
        synAck(40000, 0, 300);

        assertThat(onlyRtt()).isEqualTo(200);
    }

    @Test
    void synAckForAnotherLocalPortDoesNotMatch() {
        syn(40000, 1000, 100);
        synAck(40001, 1001, 300);
        matcher.expire(300 + EarlyAnswers.WINDOW_NS + 1);

        assertThat(listener.outcomes).isEmpty();
        assertThat(matcher.unmatchedSynAcks()).isEqualTo(1);
    }

    @Test
    void tupleReuseWithANewSeqReplacesTheOldAttempt() {
        syn(40000, 1000, 100);
        syn(40000, 5000, 900);
        // A late answer to the old attempt must not be paired with the new one.
        synAck(40000, 1001, 1_000);
        assertThat(listener.outcomes).isEmpty();
        assertThat(matcher.evictedReplaced()).isEqualTo(1);

        synAck(40000, 5001, 1_500);
        assertThat(onlyRtt()).isEqualTo(600);
    }

    @Test
    void retransmittedSynWithoutTimestampsGivesNoRttButAConnectDuration() {
        syn(40000, 1000, 0);
        syn(40000, 1000, SECOND);
        synAck(40000, 1001, SECOND + 300_000);

        assertThat(listener.of("retransmit")).hasSize(1);
        RecordingListener.Outcome handshake = listener.of("handshake").get(0);
        assertThat(handshake.nanos()).as("Karn's rule").isEqualTo(-1);
        assertThat(handshake.connectNanos()).isEqualTo(SECOND + 300_000);
        assertThat(matcher.ambiguousRtt()).isEqualTo(1);
    }

    @Test
    void timestampEchoNamesTheAnsweredRetransmission() {
        synWithTs(1000, 7, 0);
        synWithTs(1000, 1007, SECOND);
        synAckEchoing(1001, 1007, SECOND + 300_000);

        assertThat(onlyRtt()).isEqualTo(300_000);
        assertThat(listener.of("handshake").get(0).connectNanos()).isEqualTo(SECOND + 300_000);
    }

    @Test
    void timestampEchoOfTheFirstSynMeasuresFromTheFirstSyn() {
        // The first SYN was slow, not lost: its answer arrives after the retransmission left.
        synWithTs(1000, 7, 0);
        synWithTs(1000, 1007, SECOND);
        synAckEchoing(1001, 7, SECOND + 200);

        assertThat(onlyRtt()).isEqualTo(SECOND + 200);
    }

    @Test
    void timestampEchoOfAnOlderSynIsAmbiguous() {
        synWithTs(1000, 7, 0);
        synWithTs(1000, 1007, SECOND);
        synWithTs(1000, 3007, 3 * SECOND);
        synAckEchoing(1001, 7, 3 * SECOND + 100);

        assertThat(onlyRtt()).isEqualTo(-1);
        assertThat(listener.of("retransmit")).hasSize(2);
    }

    @Test
    void unansweredSynFailsOnceAtTheTimeoutAndALateAnswerIsNotASuccess() {
        syn(40000, 1000, 1_000);
        matcher.expire(1_000 + TIMEOUT - 1);
        assertThat(listener.outcomes).isEmpty();

        matcher.expire(1_000 + TIMEOUT + 1);
        matcher.expire(1_000 + TIMEOUT + SECOND);
        assertThat(listener.of("timeout")).hasSize(1);
        assertThat(matcher.pendingCount()).isZero();

        syn(40000, 1000, TIMEOUT + 2 * SECOND);
        synAck(40000, 1001, TIMEOUT + 3 * SECOND);
        assertThat(listener.of("handshake")).isEmpty();
        assertThat(listener.of("timeout")).hasSize(1);
        assertThat(matcher.lateSynAcks()).isEqualTo(1);
    }

    @Test
    void failedHandshakeIsForgottenAfterTheLateAnswerWindow() {
        syn(40000, 1000, 0);
        matcher.expire(TIMEOUT + 1);
        matcher.expire(HandshakeMatcher.LATE_ANSWER_WINDOW_NS + 1);

        synAck(40000, 1001, HandshakeMatcher.LATE_ANSWER_WINDOW_NS + 2);
        matcher.expire(HandshakeMatcher.LATE_ANSWER_WINDOW_NS + 3 + EarlyAnswers.WINDOW_NS);
        assertThat(matcher.unmatchedSynAcks()).isEqualTo(1);
        assertThat(listener.of("timeout")).hasSize(1);
    }

    @Test
    void resetAcknowledgingTheSynIsAFailureOnce() {
        syn(40000, 1000, 0);
        rst(1000, true);
        rst(1001, false);
        assertThat(listener.outcomes).as("not acceptable in SYN-SENT").isEmpty();

        rst(1001, true);
        rst(1001, true);
        assertThat(listener.of("reset")).hasSize(1);
        assertThat(matcher.pendingCount()).isZero();
    }

    @Test
    void fullTableKeepsWhatIsWaitingAndCountsTheRejectedSyn() {
        OutboundMatcher small = new OutboundMatcher(2, TIMEOUT, listener);
        // port 2's SYN is the oldest, so it is the one evicted for port 3's
        small.onSyn(TestEvents.syn(conn(2), 20, 0));
        small.onSyn(TestEvents.syn(conn(1), 10, 5));
        small.onSyn(TestEvents.syn(conn(3), 30, 10));

        assertThat(small.pendingCount()).isEqualTo(2);
        assertThat(small.evictedTableFull()).isEqualTo(1);
        small.onSynAck(TestEvents.synAck(conn(1), 0, 11, 50));
        assertThat(listener.of("handshake")).hasSize(1);
    }

    @Test
    void failedHandshakesMakeRoomWhenTheTableIsFull() {
        OutboundMatcher small = new OutboundMatcher(2, TIMEOUT, listener);
        small.onSyn(TestEvents.syn(conn(1), 10, 0));
        small.onSyn(TestEvents.syn(conn(2), 20, 0));
        small.expire(TIMEOUT + 1);
        small.onSyn(TestEvents.syn(conn(3), 30, TIMEOUT + 2));

        assertThat(small.evictedTableFull()).isZero();
        assertThat(small.pendingCount()).isEqualTo(1);
        assertThat(listener.of("timeout")).hasSize(2);
    }

    @Test
    void ipv6PeersDifferingOnlyInTheLastBitAreDistinct() {
        long hi = 0xfd00021100000000L;
        matcher.onSyn(TestEvents.syn(TestEvents.family(6).local(hi, 1, 40000).remote(hi, 2, 443), 1000, 100));
        matcher.onSyn(TestEvents.syn(TestEvents.family(6).local(hi, 1, 40000).remote(hi, 3, 443), 2000, 100));
        matcher.onSynAck(TestEvents.synAck(TestEvents.family(6).local(hi, 1, 40000).remote(hi, 3, 443), 0, 2001, 150));
        matcher.onSynAck(TestEvents.synAck(TestEvents.family(6).local(hi, 1, 40000).remote(hi, 2, 443), 0, 1001, 400));

        assertThat(listener.outcomes).extracting(RecordingListener.Outcome::remoteLo, RecordingListener.Outcome::nanos)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(3L, 50L), org.assertj.core.groups.Tuple.tuple(2L, 300L));
    }

    @Test
    void sameAddressesAndPortsInAnotherFamilyDoNotMatch() {
        matcher.onSyn(TestEvents.syn(conn(40000), 1000, 100));
        Tuple sameAddressesAsIpv6 = TestEvents.family(6).local(LOCAL_HI, 0, 40000).remote(REMOTE_HI, 0, 443);
        matcher.onSynAck(TestEvents.synAck(sameAddressesAsIpv6, 0, 1001, 200));
        assertThat(listener.outcomes).isEmpty();
    }

    @Test
    void synAckReadBeforeItsSynIsStillPaired() {
        // The ring gave the answer first; the kernel timestamps still say which came first.
        synAck(40000, 1001, 5_000 + 700_000);
        assertThat(listener.outcomes).isEmpty();
        syn(40000, 1000, 5_000);

        assertThat(onlyRtt()).isEqualTo(700_000);
        assertThat(matcher.pendingCount()).isZero();
        matcher.expire(5_000 + EarlyAnswers.WINDOW_NS + SECOND);
        assertThat(matcher.unmatchedSynAcks()).isZero();
    }

    @Test
    void earlySynAckForAnotherSynIsNotPairedAndCountsAsUnmatchedOnce() {
        synAck(40000, 5001, 900);
        syn(40000, 1000, 100);
        assertThat(listener.outcomes).isEmpty();

        matcher.expire(900 + EarlyAnswers.WINDOW_NS + 1);
        matcher.expire(900 + 2 * EarlyAnswers.WINDOW_NS + 2);
        assertThat(matcher.unmatchedSynAcks()).isEqualTo(1);
        assertThat(matcher.pendingCount()).isEqualTo(1);
    }

    @Test
    void synAckOlderThanTheSynIsNotItsAnswer() {
        synAck(40000, 1001, 100);
        syn(40000, 1000, 200);

        assertThat(listener.of("handshake")).isEmpty();
        assertThat(matcher.pendingCount()).isEqualTo(1);
    }

    @Test
    void fullTableEvictsAnOldEntrySoANewHandshakeIsStillMeasured() {
        OutboundMatcher small = new OutboundMatcher(64, TIMEOUT, listener);
        // A flood of SYNs that are never answered fills the table.
        for (int port = 1; port <= 1000; port++) {
            Tuple tuple = TestEvents.family(4).local(LOCAL_HI, 0, port).remote(REMOTE_HI, 7, 443);
            small.onSyn(TestEvents.syn(tuple, port, port * 1_000L));
        }
        assertThat(small.pendingCount()).isEqualTo(64);
        assertThat(small.evictedTableFull()).isEqualTo(1000 - 64);

        small.onSyn(TestEvents.syn(conn(40000), 77, 2_000_000L));
        small.onSynAck(TestEvents.synAck(conn(40000), 0, 78, 2_500_000L));

        assertThat(listener.of("handshake")).singleElement()
                .satisfies(h -> assertThat(h.nanos()).isEqualTo(500_000));
        assertThat(small.pendingCount()).isEqualTo(63);
    }
}
