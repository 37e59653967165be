package dev.tcplat.exporter.match;

/** Who opened the connection, seen from this host. */
public enum Direction {
    /** this host sent the SYN: SYN out, SYN-ACK in */
    OUTBOUND("outbound"),
    /** a client sent the SYN to this host: SYN in, SYN-ACK out, ACK in */
    INBOUND("inbound");

    public final String label;

    Direction(String label) {
        this.label = label;
    }
}
