package dev.tcplat.exporter.bpf;

/** The two hosts the packet tests' handshakes run between, in private address space. */
final class TestHosts {
    static final byte[] V4_CLIENT = {10, (byte) 211, 0, 1};
    static final byte[] V4_SERVER = {10, (byte) 211, 0, 2};
    static final byte[] V6_CLIENT = v6(1);
    static final byte[] V6_SERVER = v6(2);

    private TestHosts() {}

    /** fd00:211::{@code host}, in a unique local prefix (RFC 4193). */
    private static byte[] v6(int host) {
        byte[] address = new byte[16];
        address[0] = (byte) 0xfd;
        address[2] = 0x02;
        address[3] = 0x11;
        address[15] = (byte) host;
        return address;
    }
}
