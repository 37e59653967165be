package dev.tcplat.exporter.packets;

/** The flag bits of the TCP header's 13th byte (RFC 9293 §3.1), for every test that builds or reads segments. */
public final class TcpFlags {
    public static final int FIN = 0x01;
    public static final int SYN = 0x02;
    public static final int RST = 0x04;
    public static final int PSH = 0x08;
    public static final int ACK = 0x10;

    private TcpFlags() {}
}
