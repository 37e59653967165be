package dev.tcplat.exporter.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HandshakeMatcherTest {
    private static final long LOCAL_HI = 0x0ad3000100000000L; // 10.211.0.1
    private static final long REMOTE_HI = 0x0ad3000200000000L; // 10.211.0.2
    private static final long TTL = 10_000_000_000L;

    private final List<long[]> samples = new ArrayList<>();
    private final HandshakeMatcher matcher = new HandshakeMatcher(1024, TTL,
            (family, hi, lo, port, rtt) -> samples.add(new long[] {family, hi, lo, port, rtt}));

    private void syn(int localPort, int seq, long ts) {
        matcher.onEgressSyn(4, LOCAL_HI, 0, localPort, REMOTE_HI, 0, 443, seq, ts);
    }

    private void synAck(int localPort, int ack, long ts) {
        matcher.onIngressSynAck(4, LOCAL_HI, 0, localPort, REMOTE_HI, 0, 443, ack, ts);
    }

    @Test
    void synAckAcknowledgingTheSynGivesOneSampleOfTheTimestampDifference() {
        syn(40000, 1000, 5_000);
        synAck(40000, 1001, 5_000 + 1_234_567);

        assertThat(samples).hasSize(1);
        assertThat(samples.get(0)).containsExactly(4, REMOTE_HI, 0, 443, 1_234_567);
        assertThat(matcher.pendingCount()).isZero();
        assertThat(matcher.matched()).isEqualTo(1);
    }

    @Test
    void synAckWithWrongAckIsCountedAndLeavesTheSynPending() {
        syn(40000, 1000, 5_000);
        synAck(40000, 1000, 6_000);
        synAck(40000, 77, 6_000);

        assertThat(samples).isEmpty();
        assertThat(matcher.ackMismatches()).isEqualTo(2);
        assertThat(matcher.pendingCount()).isEqualTo(1);

        synAck(40000, 1001, 9_000);
        assertThat(samples).hasSize(1);
        assertThat(samples.get(0)[4]).isEqualTo(4_000);
    }

    @Test
    void seqPlusOneWrapsAroundTwoToTheThirtySecond() {
        syn(40000, 0xffffffff, 100);
        synAck(40000, 0, 300);

        assertThat(samples).hasSize(1);
        assertThat(samples.get(0)[4]).isEqualTo(200);
    }

    @Test
    void synAckForAnotherLocalPortDoesNotMatch() {
        syn(40000, 1000, 100);
        synAck(40001, 1001, 300);

        assertThat(samples).isEmpty();
        assertThat(matcher.unmatchedSynAcks()).isEqualTo(1);
    }

    @Test
    void tupleReuseWithANewSeqReplacesTheOldAttempt() {
        syn(40000, 1000, 100);
        syn(40000, 5000, 900);
        // A late answer to the old attempt must not be paired with the new one.
        synAck(40000, 1001, 1_000);
        assertThat(samples).isEmpty();
        assertThat(matcher.evictedReplaced()).isEqualTo(1);

        synAck(40000, 5001, 1_500);
        assertThat(samples).hasSize(1);
        assertThat(samples.get(0)[4]).isEqualTo(600);
    }

    @Test
    void retransmittedSynIsMeasuredFromTheLatestCopy() {
        syn(40000, 1000, 0);
        syn(40000, 1000, 1_000_000_000L);
        synAck(40000, 1001, 1_000_300_000L);

        assertThat(matcher.synRetransmits()).isEqualTo(1);
        assertThat(samples).hasSize(1);
        assertThat(samples.get(0)[4]).isEqualTo(300_000);
    }

    @Test
    void unansweredSynExpiresAfterTheTtlAndIsCounted() {
        syn(40000, 1000, 1_000);
        matcher.expire(1_000 + TTL - 1);
        assertThat(matcher.pendingCount()).isEqualTo(1);

        matcher.expire(1_000 + TTL + 1);
        assertThat(matcher.pendingCount()).isZero();
        assertThat(matcher.evictedExpired()).isEqualTo(1);

        synAck(40000, 1001, 2 * TTL);
        assertThat(samples).isEmpty();
    }

    @Test
    void fullTableKeepsWhatIsWaitingAndCountsTheRejectedSyn() {
        HandshakeMatcher small = new HandshakeMatcher(2, TTL, (f, h, l, p, r) -> samples.add(new long[] {r}));
        small.onEgressSyn(4, LOCAL_HI, 0, 1, REMOTE_HI, 0, 443, 10, 0);
        small.onEgressSyn(4, LOCAL_HI, 0, 2, REMOTE_HI, 0, 443, 20, 0);
        small.onEgressSyn(4, LOCAL_HI, 0, 3, REMOTE_HI, 0, 443, 30, 0);

        assertThat(small.pendingCount()).isEqualTo(2);
        assertThat(small.evictedTableFull()).isEqualTo(1);
        small.onIngressSynAck(4, LOCAL_HI, 0, 1, REMOTE_HI, 0, 443, 11, 50);
        assertThat(samples).hasSize(1);
    }

    @Test
    void ipv6PeersDifferingOnlyInTheLastBitAreDistinct() {
        long hi = 0xfd00021100000000L;
        matcher.onEgressSyn(6, hi, 1, 40000, hi, 2, 443, 1000, 100);
        matcher.onEgressSyn(6, hi, 1, 40000, hi, 3, 443, 2000, 100);
        matcher.onIngressSynAck(6, hi, 1, 40000, hi, 3, 443, 2001, 150);
        matcher.onIngressSynAck(6, hi, 1, 40000, hi, 2, 443, 1001, 400);

        assertThat(samples).hasSize(2);
        assertThat(samples.get(0)).containsExactly(6, hi, 3, 443, 50);
        assertThat(samples.get(1)).containsExactly(6, hi, 2, 443, 300);
    }

    @Test
    void sameAddressesAndPortsInAnotherFamilyDoNotMatch() {
        matcher.onEgressSyn(4, LOCAL_HI, 0, 40000, REMOTE_HI, 0, 443, 1000, 100);
        matcher.onIngressSynAck(6, LOCAL_HI, 0, 40000, REMOTE_HI, 0, 443, 1001, 200);
        assertThat(samples).isEmpty();
    }
}
