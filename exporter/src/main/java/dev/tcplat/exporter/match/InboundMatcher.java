package dev.tcplat.exporter.match;

/**
 * Pairs the handshake packets of connections clients open to this host.
 *
 * <p>Three packets, two measurements: the client's SYN in → this host's SYN-ACK out is this
 * host's own turnaround (its stack, accept queue, SYN cookies), reported apart because it is not
 * network latency; the SYN-ACK out → the client's ACK in is the network round trip to the client.
 * Each step is accepted only if it acknowledges the previous one exactly (ack == seq + 1), so a
 * reused tuple never pairs packets of two connections.
 *
 * <p>A retransmitted SYN-ACK makes the ACK ambiguous; without a way to tell which copy it answers
 * the RTT is not sampled (Karn's rule). Failures (no ACK within the timeout, or a RST refusing
 * the SYN) are counted once; then the kernel is told to stop waiting for that ACK.
 */
public final class InboundMatcher extends HandshakeMatcher {
    private final SynAckForgetter forgetter;

    private volatile long ackUntracked;
    private volatile long unmatchedAcks;

    public InboundMatcher(int capacity, long timeoutNanos, HandshakeListener listener, SynAckForgetter forgetter) {
        super(Direction.INBOUND, capacity, timeoutNanos, listener);
        this.forgetter = forgetter;
    }

    /**
     * An egress SYN-ACK: this host answers the client's SYN. When the kernel had no room to wait
     * for the client's ACK ({@link HandshakeEvent#ackTracked()} false), the ACK goes unreported.
     */
    public void onSynAck(HandshakeEvent synAck) {
        int slot = pending.find(synAck.tuple());
        if (slot < 0) {
            if (synAck.ackTracked()) {
                early.park(synAck);
            }
            return;
        }
        if (synAck.ack() != pending.seq(slot) + 1 || pending.failed(slot)) {
            return;
        }
        answer(slot, synAck.tuple(), synAck.seq(), synAck.ackTracked(), synAck.timestampNs());
    }

    @Override
    void claimEarlyAnswer(int slot, int answer, HandshakeEvent syn) {
        int answerSeq = early.answerSeq(answer);
        long answerNs = early.answerNs(answer);
        early.remove(answer);
        answer(slot, syn.tuple(), answerSeq, true, answerNs);
    }

    private void answer(int slot, Tuple tuple, int synAckSeq, boolean ackTracked, long tsNs) {
        if (pending.answerCount(slot) == 0) {
            listener.onSynToSynAck(tuple, Math.max(0, tsNs - pending.lastSynNs(slot)));
        } else {
            listener.onSynAckRetransmit(Direction.INBOUND, tuple);
        }
        if (!ackTracked) {
            // Its completion can not be seen: no outcome rather than a false timeout.
            ackUntracked++;
            pending.remove(slot);
            return;
        }
        pending.answered(slot, synAckSeq, tsNs);
    }

    /** An ingress ACK the kernel recognised as completing a handshake this host answered. */
    public void onAck(HandshakeEvent ack) {
        int slot = pending.find(ack.tuple());
        if (slot < 0 || pending.answerCount(slot) == 0 || ack.ack() != pending.answerSeq(slot) + 1) {
            unmatchedAcks++;
            return;
        }
        if (pending.failed(slot)) {
            pending.remove(slot);
            return;
        }
        long tsNs = ack.timestampNs();
        long rtt = pending.answerCount(slot) == 1 ? Math.max(0, tsNs - pending.answerNs(slot)) : -1;
        long connect = Math.max(0, tsNs - pending.firstSynNs(slot));
        pending.remove(slot);
        matched++;
        if (rtt < 0) {
            ambiguousRtt++;
        }
        listener.onHandshake(Direction.INBOUND, ack.tuple(), rtt, connect);
    }

    @Override
    void tupleReused(int slot) {
        givingUp(slot);
    }

    /** The kernel keeps an answered handshake until its ACK: tell it to stop waiting. */
    @Override
    void givingUp(int slot) {
        if (pending.answerCount(slot) > 0) {
            forgetter.forget(entryTuple(slot));
        }
    }

    /** SYN-ACKs whose ACK the kernel could not wait for (its table was full): no outcome known. */
    public long ackUntracked() {
        return ackUntracked;
    }

    public long unmatchedAcks() {
        return unmatchedAcks;
    }
}
