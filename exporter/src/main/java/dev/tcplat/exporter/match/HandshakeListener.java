package dev.tcplat.exporter.match;

/**
 * Receives what the matcher concludes. Primitive arguments only: it is called on the drain
 * thread for every matched handshake, and must not allocate per call.
 */
public interface HandshakeListener {
    /**
     * This host's SYN to a remote peer was answered by the peer's SYN-ACK.
     *
     * @param family 4 or 6
     * @param remoteHi first 8 bytes of the remote address, big-endian (IPv4 in the top 4 bytes)
     * @param remoteLo last 8 bytes of the remote address, big-endian
     * @param remotePort the peer's TCP port
     * @param rttNanos SYN-ACK arrival minus the answered SYN's departure, kernel clock
     */
    void onOutboundHandshake(int family, long remoteHi, long remoteLo, int remotePort, long rttNanos);
}
