package dev.tcplat.exporter.packets;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * An IPv4 header (RFC 791) in front of a payload. Defaults: TCP, no options, don't-fragment, TTL
 * 64, identification 0x1234, checksums zero: a TC program never verifies them, the stack does.
 */
public final class Ipv4Packet {
    public static final int HEADER_LENGTH = 20;
    /** The flags-and-fragment-offset field with only DF set: a whole, unfragmented datagram. */
    public static final int DONT_FRAGMENT = 0x4000;
    private static final int CHECKSUM_OFFSET = 10;
    private static final byte NOP_OPTION = 1;

    private final byte[] source;
    private final byte[] destination;
    private int protocol = IpProtocols.TCP;
    private int optionBytes;
    private int fragmentField = DONT_FRAGMENT;
    private int identification = 0x1234;
    private boolean checksums;

    public Ipv4Packet(byte[] source, byte[] destination) {
        this.source = source.clone();
        this.destination = destination.clone();
    }

    /** A TCP segment from {@code source} to {@code destination} with every default. */
    public static byte[] ipv4(byte[] source, byte[] destination, TcpSegment segment) {
        return new Ipv4Packet(source, destination).carrying(segment);
    }

    public Ipv4Packet protocol(int value) {
        protocol = value;
        return this;
    }

    /** That many NOP option bytes, which make the IHL larger than 5. */
    public Ipv4Packet optionBytes(int count) {
        optionBytes = count;
        return this;
    }

    /** The raw 16 bits of flags and fragment offset (in 8-byte units). */
    public Ipv4Packet fragmentField(int value) {
        fragmentField = value;
        return this;
    }

    public Ipv4Packet identification(int value) {
        identification = value;
        return this;
    }

    /**
     * Fills in the header checksum and, when the payload holds a whole TCP header, the segment's:
     * needed where the packet enters the stack as if received (a tun hands it in with
     * CHECKSUM_NONE, so both are verified).
     */
    public Ipv4Packet withChecksums() {
        checksums = true;
        return this;
    }

    public byte[] carrying(TcpSegment segment) {
        return carrying(segment.bytes());
    }

    public byte[] carrying(byte[] payload) {
        int headerLength = HEADER_LENGTH + optionBytes;
        ByteBuffer packet = ByteBuffer.allocate(headerLength + payload.length)
                .put((byte) (0x40 | headerLength / 4))
                .put((byte) 0) // DSCP, ECN
                .putShort((short) (headerLength + payload.length))
                .putShort((short) identification)
                .putShort((short) fragmentField)
                .put((byte) 64)
                .put((byte) protocol)
                .putShort((short) 0) // checksum, below
                .put(source)
                .put(destination);
        byte[] options = new byte[optionBytes];
        Arrays.fill(options, NOP_OPTION);
        packet.put(options).put(payload);
        byte[] bytes = packet.array();
        if (checksums) {
            packet.putShort(CHECKSUM_OFFSET, (short) InternetChecksum.of(bytes, 0, headerLength));
            if (protocol == IpProtocols.TCP && payload.length >= TcpSegment.HEADER_LENGTH) {
                packet.putShort(headerLength + TcpSegment.CHECKSUM_OFFSET,
                        (short) InternetChecksum.tcp(bytes, source, destination, headerLength, payload.length));
            }
        }
        return bytes;
    }
}
