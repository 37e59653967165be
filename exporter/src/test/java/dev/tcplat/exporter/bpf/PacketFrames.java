package dev.tcplat.exporter.bpf;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Crafts the frames the packet tests feed to the real TC program. Checksums are left zero: the
 * program never validates them (the stack does, later), so they would only add noise here.
 */
final class PacketFrames {
    static final int FIN = 0x01;
    static final int SYN = 0x02;
    static final int RST = 0x04;
    static final int PSH = 0x08;
    static final int ACK = 0x10;

    static final int ETH_P_IP = 0x0800;
    static final int ETH_P_IPV6 = 0x86dd;
    static final int ETH_P_8021Q = 0x8100;
    static final int ETH_P_8021AD = 0x88a8;

    static final byte[] V4_CLIENT = {10, (byte) 211, 0, 1};
    static final byte[] V4_SERVER = {10, (byte) 211, 0, 2};
    static final byte[] V6_CLIENT = v6(0xfd, 0x00, 0x02, 0x11, 1);
    static final byte[] V6_SERVER = v6(0xfd, 0x00, 0x02, 0x11, 2);

    private PacketFrames() {}

    private static byte[] v6(int a, int b, int c, int d, int last) {
        byte[] address = new byte[16];
        address[0] = (byte) a;
        address[1] = (byte) b;
        address[2] = (byte) c;
        address[3] = (byte) d;
        address[15] = (byte) last;
        return address;
    }

    /** A TCP segment; options are raw bytes, padded to a multiple of 4 by the caller. */
    static final class Tcp {
        int sport = 40000;
        int dport = 443;
        long seq = 1000;
        long ack;
        int flags = SYN;
        byte[] options = new byte[0];
        byte[] payload = new byte[0];
        /** Overrides the data offset (in 32-bit words) written to the header, for malformed frames. */
        Integer doffOverride;

        Tcp flags(int value) {
            flags = value;
            return this;
        }

        Tcp seq(long value) {
            seq = value;
            return this;
        }

        Tcp ack(long value) {
            ack = value;
            return this;
        }

        Tcp ports(int source, int destination) {
            sport = source;
            dport = destination;
            return this;
        }

        Tcp options(byte[] value) {
            options = value;
            return this;
        }

        Tcp payload(int length) {
            payload = new byte[length];
            return this;
        }

        Tcp doff(int words) {
            doffOverride = words;
            return this;
        }

        byte[] bytes() {
            int headerLength = 20 + options.length;
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            put16(out, sport);
            put16(out, dport);
            put32(out, seq);
            put32(out, ack);
            int doff = doffOverride != null ? doffOverride : headerLength / 4;
            out.write(doff << 4);
            out.write(flags);
            put16(out, 64240);
            put16(out, 0);
            put16(out, 0);
            out.writeBytes(options);
            out.writeBytes(payload);
            return out.toByteArray();
        }
    }

    /** MSS, SACK-permitted, timestamps, NOP, window scale: what Linux puts on a SYN. */
    static byte[] linuxSynOptions(long tsval, long tsecr) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {2, 4, 0x05, (byte) 0xb4});
        out.writeBytes(new byte[] {4, 2});
        out.writeBytes(new byte[] {8, 10});
        put32(out, tsval);
        put32(out, tsecr);
        out.writeBytes(new byte[] {1, 3, 3, 7});
        return out.toByteArray();
    }

    /** IPv4 header; {@code optionBytes} of NOP options make ihl > 5. */
    static byte[] ipv4(byte[] src, byte[] dst, int protocol, byte[] l4, int optionBytes, int fragmentField) {
        int headerLength = 20 + optionBytes;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0x40 | headerLength / 4);
        out.write(0);
        put16(out, headerLength + l4.length);
        put16(out, 0x1234);
        put16(out, fragmentField);
        out.write(64);
        out.write(protocol);
        put16(out, 0);
        out.writeBytes(src);
        out.writeBytes(dst);
        for (int i = 0; i < optionBytes; i++) {
            out.write(1);
        }
        out.writeBytes(l4);
        return out.toByteArray();
    }

    static byte[] ipv4(byte[] src, byte[] dst, byte[] tcp) {
        return ipv4(src, dst, 6, tcp, 0, 0x4000);
    }

    /** An IPv6 extension header: type (its own protocol number) and body, length handled here. */
    static final class Ext {
        final int type;
        final byte[] body;

        Ext(int type, byte[] body) {
            this.type = type;
            this.body = body;
        }

        /** Hop-by-hop / destination options / routing: 8 bytes × (n + 1), padded with PadN. */
        static Ext options(int type, int units) {
            return new Ext(type, new byte[8 * units + 6]);
        }

        /** Fragment header: offset in 8-byte units, more-fragments flag. */
        static Ext fragment(int offsetUnits, boolean more) {
            int field = (offsetUnits << 3) | (more ? 1 : 0);
            return new Ext(44, new byte[] {0, 0, (byte) (field >> 8), (byte) field, 0, 0, 0, 1});
        }
    }

    static byte[] ipv6(byte[] src, byte[] dst, int protocol, byte[] l4, List<Ext> extensions) {
        ByteArrayOutputStream chain = new ByteArrayOutputStream();
        for (int i = 0; i < extensions.size(); i++) {
            Ext ext = extensions.get(i);
            int next = i + 1 < extensions.size() ? extensions.get(i + 1).type : protocol;
            chain.write(next);
            if (ext.type == 44) {
                chain.write(0);
                chain.writeBytes(Arrays.copyOfRange(ext.body, 2, 8));
            } else {
                chain.write((ext.body.length + 2) / 8 - 1);
                chain.writeBytes(ext.body);
            }
        }
        int firstNext = extensions.isEmpty() ? protocol : extensions.get(0).type;
        byte[] chained = chain.toByteArray();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        put32(out, 0x60000000L);
        put16(out, chained.length + l4.length);
        out.write(firstNext);
        out.write(64);
        out.writeBytes(src);
        out.writeBytes(dst);
        out.writeBytes(chained);
        out.writeBytes(l4);
        return out.toByteArray();
    }

    static byte[] ipv6(byte[] src, byte[] dst, byte[] tcp) {
        return ipv6(src, dst, 6, tcp, List.of());
    }

    /** Ethernet with the given 802.1ad/802.1Q tag types (outermost first) before {@code etherType}. */
    static byte[] ethernet(int etherType, byte[] l3, int... tagTypes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {2, 0, 0, 0, 0, 2});
        out.writeBytes(new byte[] {2, 0, 0, 0, 0, 1});
        List<Integer> types = new ArrayList<>();
        for (int tag : tagTypes) {
            types.add(tag);
        }
        for (int i = 0; i < types.size(); i++) {
            put16(out, types.get(i));
            put16(out, 100 + i);
        }
        put16(out, etherType);
        out.writeBytes(l3);
        return out.toByteArray();
    }

    static void put16(ByteArrayOutputStream out, int value) {
        out.write(value >> 8);
        out.write(value);
    }

    static void put32(ByteArrayOutputStream out, long value) {
        out.write((int) (value >> 24));
        out.write((int) (value >> 16));
        out.write((int) (value >> 8));
        out.write((int) value);
    }
}
