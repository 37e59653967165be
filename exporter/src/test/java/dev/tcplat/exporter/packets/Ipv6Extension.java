package dev.tcplat.exporter.packets;

/**
 * One IPv6 extension header (RFC 8200 §4): its own protocol number, and the bytes that follow
 * its next-header byte, which {@link Ipv6Packet} writes when it chains the headers.
 */
public record Ipv6Extension(int type, byte[] afterNextHeader) {
    public static final int HOP_BY_HOP = 0;
    public static final int ROUTING = 43;
    public static final int FRAGMENT = 44;
    public static final int DESTINATION_OPTIONS = 60;

    public Ipv6Extension {
        afterNextHeader = afterNextHeader.clone();
    }

    /**
     * A header of the options format (hop-by-hop, destination options; routing has the same
     * length rule) of {@code 8 * (units + 1)} bytes, the length byte saying {@code units}, the
     * rest zeros: Pad1 options, or routing type 0 with no segments left.
     */
    public static Ipv6Extension options(int type, int units) {
        byte[] rest = new byte[8 * units + 7];
        rest[0] = (byte) units;
        return new Ipv6Extension(type, rest);
    }

    /** A fragment header: offset in 8-byte units, the more-fragments flag, identification 1. */
    public static Ipv6Extension fragment(int offsetUnits, boolean more) {
        int field = (offsetUnits << 3) | (more ? 1 : 0);
        return new Ipv6Extension(FRAGMENT, new byte[] {0, (byte) (field >> 8), (byte) field, 0, 0, 0, 1});
    }

    int length() {
        return 1 + afterNextHeader.length;
    }
}
