package dev.tcplat.exporter.match;

/**
 * Receives what the matchers conclude, one call per outcome. Called on the drain thread; must not
 * allocate per call. The {@link Tuple} names the connection (local, remote) as seen from this
 * host and is valid only during the call; {@link Tuple#serverPort(Direction)} is the port that
 * was listening.
 */
public interface HandshakeListener {
    /** Why a handshake failed. */
    enum Failure {
        /** no answer within the handshake timeout (SYN-ACK outbound, ACK inbound) */
        TIMEOUT("timeout"),
        /** the SYN was answered with a RST */
        RESET("reset");

        public final String label;

        Failure(String label) {
            this.label = label;
        }
    }

    /**
     * A handshake completed.
     *
     * @param rttNanos network round trip, kernel clock: outbound SYN → SYN-ACK, inbound SYN-ACK →
     *     ACK; -1 when retransmissions make it unknowable which packet was answered (Karn's rule)
     * @param connectNanos from the first SYN to the SYN-ACK (outbound) or ACK (inbound),
     *     retransmission waits included
     */
    void onHandshake(Direction direction, Tuple tuple, long rttNanos, long connectNanos);

    /** This host's own delay for an inbound handshake: client's SYN in → this host's SYN-ACK out. */
    void onSynToSynAck(Tuple tuple, long nanos);

    /** A SYN was sent again for a handshake still waiting (by this host outbound, by the client inbound). */
    void onSynRetransmit(Direction direction, Tuple tuple);

    /**
     * A SYN-ACK was sent again for a handshake still waiting: by this host (inbound), because the
     * client's ACK did not come in time or the client retransmitted its SYN.
     */
    void onSynAckRetransmit(Direction direction, Tuple tuple);

    /** A handshake failed; called once per handshake. */
    void onFailure(Direction direction, Tuple tuple, Failure failure);
}
