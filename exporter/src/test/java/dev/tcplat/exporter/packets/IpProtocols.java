package dev.tcplat.exporter.packets;

/** IANA protocol numbers: IPv4's protocol field and IPv6's next header. */
public final class IpProtocols {
    public static final int TCP = 6;
    public static final int UDP = 17;
    public static final int ICMPV6 = 58;

    private IpProtocols() {}
}
