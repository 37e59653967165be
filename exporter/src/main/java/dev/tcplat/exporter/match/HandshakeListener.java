package dev.tcplat.exporter.match;

/**
 * Receives what the matcher concludes, one call per outcome. Primitive arguments only: it is
 * called on the drain thread and must not allocate per call. A remote peer is given as
 * (family 4 or 6, first and last 8 address bytes big-endian — IPv4 in the top 4 bytes of
 * {@code remoteHi} — and TCP port).
 */
public interface HandshakeListener {
    /** Why a handshake failed. */
    enum Failure {
        /** no SYN-ACK within the handshake timeout */
        TIMEOUT("timeout"),
        /** the peer answered the SYN with a RST */
        RESET("reset");

        public final String label;

        Failure(String label) {
            this.label = label;
        }
    }

    /**
     * This host's SYN to a remote peer was answered by the peer's SYN-ACK.
     *
     * @param rttNanos SYN-ACK arrival minus the departure of the SYN it answers, kernel clock;
     *     -1 when retransmissions make it unknowable which SYN was answered (Karn's rule)
     * @param connectNanos SYN-ACK arrival minus the first SYN's departure: what the client waited
     */
    void onOutboundHandshake(int family, long remoteHi, long remoteLo, int remotePort, long rttNanos,
            long connectNanos);

    /** This host sent a SYN again for a handshake that was still waiting. */
    void onOutboundSynRetransmit(int family, long remoteHi, long remoteLo, int remotePort);

    /** A handshake this host started failed; called once per handshake. */
    void onOutboundFailure(int family, long remoteHi, long remoteLo, int remotePort, Failure failure);
}
