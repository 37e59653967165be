package dev.tcplat.exporter.match;

/**
 * A TCP connection's 4-tuple as seen from this host: family, local address and port, remote
 * address and port. Addresses are held as their first and last 8 bytes, big-endian, so IPv4
 * sits in the top four bytes of the high half and a tuple compares as five words.
 *
 * <p>Mutable and reused: the drain thread fills one per event and the matchers one per outcome
 * read back from a table, so no tuple is allocated per packet. A tuple handed to a listener is
 * valid only for that call.
 */
public final class Tuple {
    private int family;
    private long localHi;
    private long localLo;
    private int localPort;
    private long remoteHi;
    private long remoteLo;
    private int remotePort;

    /** 4 or 6. */
    public int family() {
        return family;
    }

    public long localHi() {
        return localHi;
    }

    public long localLo() {
        return localLo;
    }

    public int localPort() {
        return localPort;
    }

    public long remoteHi() {
        return remoteHi;
    }

    public long remoteLo() {
        return remoteLo;
    }

    public int remotePort() {
        return remotePort;
    }

    /** The port that was listening: the remote one when this host connected, else the local one. */
    public int serverPort(Direction direction) {
        return direction == Direction.OUTBOUND ? remotePort : localPort;
    }

    public Tuple family(int family) {
        this.family = family;
        return this;
    }

    public Tuple local(long hi, long lo, int port) {
        this.localHi = hi;
        this.localLo = lo;
        this.localPort = port;
        return this;
    }

    public Tuple remote(long hi, long lo, int port) {
        this.remoteHi = hi;
        this.remoteLo = lo;
        this.remotePort = port;
        return this;
    }

    public Tuple copyOf(Tuple other) {
        family = other.family;
        local(other.localHi, other.localLo, other.localPort);
        return remote(other.remoteHi, other.remoteLo, other.remotePort);
    }

    @Override
    public String toString() {
        return "Tuple[family=" + family + ", local=" + Long.toHexString(localHi) + ":" + Long.toHexString(localLo)
                + " port " + localPort + ", remote=" + Long.toHexString(remoteHi) + ":" + Long.toHexString(remoteLo)
                + " port " + remotePort + "]";
    }
}
