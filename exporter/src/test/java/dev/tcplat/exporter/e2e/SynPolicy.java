package dev.tcplat.exporter.e2e;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How the {@link TunPeer} answers each SYN it reads: a SYN-ACK (optionally after a delay, which
 * is then a known share of the handshake time), a RST, or nothing at all.
 */
@FunctionalInterface
interface SynPolicy {
    Answer answer(TcpPackets.Segment syn);

    /** What to send, and how long after reading the SYN. */
    record Answer(Kind kind, Duration delay) {
        public Answer {
            if (delay.isNegative()) {
                throw new IllegalArgumentException("negative delay " + delay);
            }
        }
    }

    enum Kind {
        SYN_ACK,
        RST,
        IGNORE
    }

    /** Answers every SYN with a SYN-ACK at once. */
    static SynPolicy synAck() {
        return synAckAfter(Duration.ZERO);
    }

    /** Answers every SYN with a SYN-ACK, {@code delay} after reading it. */
    static SynPolicy synAckAfter(Duration delay) {
        Answer answer = new Answer(Kind.SYN_ACK, delay);
        return syn -> answer;
    }

    /**
     * Ignores the first SYN of each connection, as a lossy path does, and answers its
     * retransmission with a SYN-ACK {@code delay} after reading it.
     */
    static SynPolicy dropFirstThenSynAckAfter(Duration delay) {
        Set<List<Long>> seen = ConcurrentHashMap.newKeySet();
        Answer drop = new Answer(Kind.IGNORE, Duration.ZERO);
        Answer answer = new Answer(Kind.SYN_ACK, delay);
        return syn -> seen.add(List.of((long) syn.srcPort(), syn.seq())) ? drop : answer;
    }

    /** Refuses every connection with a RST, as a closed port does. */
    static SynPolicy reset() {
        Answer answer = new Answer(Kind.RST, Duration.ZERO);
        return syn -> answer;
    }

    /** Never answers, as a filtering firewall does. */
    static SynPolicy ignore() {
        Answer answer = new Answer(Kind.IGNORE, Duration.ZERO);
        return syn -> answer;
    }
}
