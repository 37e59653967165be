package dev.tcplat.exporter.match;

/**
 * Receives what the matchers conclude, one call per outcome. Primitive arguments only: it is
 * called on the drain thread and must not allocate per call. A remote peer is given as
 * (family 4 or 6, first and last 8 address bytes big-endian — IPv4 in the top 4 bytes of
 * {@code remoteHi} — and TCP port).
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
    void onHandshake(Direction direction, int family, long remoteHi, long remoteLo, int serverPort,
            long rttNanos, long connectNanos);

    /** This host's own delay for an inbound handshake: client's SYN in → this host's SYN-ACK out. */
    void onSynToSynAck(int family, long remoteHi, long remoteLo, int serverPort, long nanos);

    /** A SYN was sent again for a handshake still waiting (by this host outbound, by the client inbound). */
    void onSynRetransmit(Direction direction, int family, long remoteHi, long remoteLo, int serverPort);

    /**
     * A SYN-ACK was sent again for a handshake still waiting: by this host (inbound), because the
     * client's ACK did not come in time or the client retransmitted its SYN.
     */
    void onSynAckRetransmit(Direction direction, int family, long remoteHi, long remoteLo, int serverPort);

    /** A handshake failed; called once per handshake. */
    void onFailure(Direction direction, int family, long remoteHi, long remoteLo, int serverPort, Failure failure);
}
