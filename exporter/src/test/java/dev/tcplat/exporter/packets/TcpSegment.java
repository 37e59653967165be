package dev.tcplat.exporter.packets;

import java.nio.ByteBuffer;

/**
 * A TCP segment to build: header fields, raw options and a zero payload. The checksum is left
 * zero, because it covers a pseudo-header of IP addresses this class does not know; the IP
 * builders fill it in when asked ({@link Ipv4Packet#withChecksums}, {@link Ipv6Packet#withChecksums}).
 *
 * <p>The defaults are a SYN from port 40000 to 443 with Linux's usual initial window of 64240.
 */
public final class TcpSegment {
    public static final int HEADER_LENGTH = 20;
    /** Where the checksum sits in the header (RFC 9293 §3.1). */
    static final int CHECKSUM_OFFSET = 16;

    private int sourcePort = 40000;
    private int destinationPort = 443;
    private long seq = 1000;
    private long ack;
    private int flags = TcpFlags.SYN;
    private int window = 64240;
    private byte[] options = new byte[0];
    private int payloadLength;
    /** A data offset (in 32-bit words) to write instead of the true one, for malformed segments. */
    private Integer dataOffsetOverride;

    public TcpSegment ports(int source, int destination) {
        sourcePort = source;
        destinationPort = destination;
        return this;
    }

    /** Sequence numbers are unsigned 32-bit values carried in longs. */
    public TcpSegment seq(long value) {
        seq = value;
        return this;
    }

    public TcpSegment ack(long value) {
        ack = value;
        return this;
    }

    /** Bits of {@link TcpFlags}. */
    public TcpSegment flags(int value) {
        flags = value;
        return this;
    }

    public TcpSegment window(int value) {
        window = value;
        return this;
    }

    /** Raw option bytes ({@link TcpOptions}); the caller pads them to a multiple of 4. */
    public TcpSegment options(byte[] value) {
        options = value.clone();
        return this;
    }

    /** That many zero bytes of data after the header. */
    public TcpSegment payload(int length) {
        payloadLength = length;
        return this;
    }

    /** Writes {@code words} as the data offset whatever the header's real length. */
    public TcpSegment dataOffset(int words) {
        dataOffsetOverride = words;
        return this;
    }

    public byte[] bytes() {
        int headerLength = HEADER_LENGTH + options.length;
        int dataOffset = dataOffsetOverride != null ? dataOffsetOverride : headerLength / 4;
        return ByteBuffer.allocate(headerLength + payloadLength)
                .putShort((short) sourcePort)
                .putShort((short) destinationPort)
                .putInt((int) seq)
                .putInt((int) ack)
                .put((byte) (dataOffset << 4))
                .put((byte) flags)
                .putShort((short) window)
                .putShort((short) 0) // checksum: see the class comment
                .putShort((short) 0) // urgent pointer
                .put(options)
                .array();
    }
}
