package dev.tcplat.exporter.e2e;

import dev.tcplat.exporter.packets.InternetChecksum;
import dev.tcplat.exporter.packets.IpProtocols;
import dev.tcplat.exporter.packets.Ipv4Packet;
import dev.tcplat.exporter.packets.Ipv6Packet;
import dev.tcplat.exporter.packets.TcpFlags;
import dev.tcplat.exporter.packets.TcpOptions;
import dev.tcplat.exporter.packets.TcpSegment;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Optional;

/**
 * Just enough IPv4/IPv6 + TCP to play the far end of a handshake on a tun device: parse the
 * segments the kernel sends, build correct answers (with the shared {@code packets} builders).
 * Packets are bare IP (a tun opened with IFF_NO_PI has no link header and no packet-info prefix).
 *
 * <p>Checksums must be right: packets written into a tun arrive with CHECKSUM_NONE, so the
 * kernel verifies the IPv4 header checksum (RFC 791) and the TCP checksum over the pseudo-header
 * (RFC 9293 §3.1, RFC 8200 §8.1) and silently drops anything wrong.
 */
final class TcpPackets {
    private static final int IPV4_HEADER = Ipv4Packet.HEADER_LENGTH;
    private static final int IPV6_HEADER = Ipv6Packet.HEADER_LENGTH;
    private static final int TCP_HEADER = TcpSegment.HEADER_LENGTH;
    /** The window every answer advertises: the largest without window scaling. */
    private static final int WINDOW = 65535;

    private TcpPackets() {}

    /** One TCP segment as seen on the tun; sequence numbers are unsigned 32-bit values in longs. */
    record Segment(IpFamily family, byte[] src, byte[] dst, int srcPort, int dstPort, long seq, long ack,
            int flags, int payloadLength, long tsval) {
        /** {@link #tsval} when the segment carries no timestamp option. */
        static final long NO_TIMESTAMP = -1;

        boolean is(int flag) {
            return (flags & flag) != 0;
        }

        /** A SYN that opens a connection: SYN set, ACK clear. */
        boolean isSyn() {
            return is(TcpFlags.SYN) && !is(TcpFlags.ACK);
        }
    }

    /** Parses a bare IP packet; empty for anything that is not a whole, unfragmented TCP segment. */
    static Optional<Segment> parse(byte[] packet, int length) {
        if (length < 1) {
            return Optional.empty();
        }
        ByteBuffer buf = ByteBuffer.wrap(packet, 0, length);
        int version = (packet[0] & 0xff) >>> 4;
        IpFamily family;
        int ipHeader;
        int ipEnd;
        byte[] src;
        byte[] dst;
        if (version == 4) {
            if (length < IPV4_HEADER) {
                return Optional.empty();
            }
            ipHeader = (packet[0] & 0x0f) * 4;
            ipEnd = Short.toUnsignedInt(buf.getShort(2));
            int fragment = Short.toUnsignedInt(buf.getShort(6)) & 0x3fff; // MF flag and offset
            if (ipHeader < IPV4_HEADER || ipEnd > length || ipEnd < ipHeader || fragment != 0
                    || (packet[9] & 0xff) != IpProtocols.TCP) {
                return Optional.empty();
            }
            family = IpFamily.V4;
            src = Arrays.copyOfRange(packet, 12, 16);
            dst = Arrays.copyOfRange(packet, 16, 20);
        } else if (version == 6) {
            // Segments the kernel sends for a plain connect carry no extension headers.
            if (length < IPV6_HEADER || (packet[6] & 0xff) != IpProtocols.TCP) {
                return Optional.empty();
            }
            ipHeader = IPV6_HEADER;
            ipEnd = IPV6_HEADER + Short.toUnsignedInt(buf.getShort(4));
            if (ipEnd > length) {
                return Optional.empty();
            }
            family = IpFamily.V6;
            src = Arrays.copyOfRange(packet, 8, 24);
            dst = Arrays.copyOfRange(packet, 24, 40);
        } else {
            return Optional.empty();
        }
        if (ipEnd - ipHeader < TCP_HEADER) {
            return Optional.empty();
        }
        int tcpHeader = ((packet[ipHeader + 12] & 0xff) >>> 4) * 4;
        if (tcpHeader < TCP_HEADER || ipHeader + tcpHeader > ipEnd) {
            return Optional.empty();
        }
        return Optional.of(new Segment(family, src, dst,
                Short.toUnsignedInt(buf.getShort(ipHeader)), Short.toUnsignedInt(buf.getShort(ipHeader + 2)),
                Integer.toUnsignedLong(buf.getInt(ipHeader + 4)), Integer.toUnsignedLong(buf.getInt(ipHeader + 8)),
                packet[ipHeader + 13] & 0x3f, ipEnd - ipHeader - tcpHeader,
                timestampValue(buf, ipHeader + TCP_HEADER, ipHeader + tcpHeader)));
    }

    /** TSval of the timestamp option (kind 8, RFC 7323) among the options in [from, to), or none. */
    private static long timestampValue(ByteBuffer buf, int from, int to) {
        int at = from;
        while (at < to) {
            int kind = buf.get(at) & 0xff;
            if (kind == 0) {
                break;
            }
            if (kind == 1) {
                at++;
                continue;
            }
            if (at + 1 >= to) {
                break;
            }
            int length = buf.get(at + 1) & 0xff;
            if (length < 2 || at + length > to) {
                break;
            }
            if (kind == 8 && length == 10) {
                return Integer.toUnsignedLong(buf.getInt(at + 2));
            }
            at += length;
        }
        return Segment.NO_TIMESTAMP;
    }

    /** The answer {@code to} a segment: addresses and ports swapped, no payload. */
    static byte[] reply(Segment to, long seq, long ack, int flags, int mss) {
        return reply(to, seq, ack, flags, mss, Segment.NO_TIMESTAMP, 0);
    }

    /** Same, with a timestamp option when {@code tsval} is not {@link Segment#NO_TIMESTAMP}. */
    static byte[] reply(Segment to, long seq, long ack, int flags, int mss, long tsval, long tsecr) {
        return build(to.family(), to.dst(), to.src(), to.dstPort(), to.srcPort(), seq, ack, flags, mss, tsval, tsecr);
    }

    static byte[] build(IpFamily family, byte[] src, byte[] dst, int srcPort, int dstPort, long seq, long ack,
            int flags, int mss) {
        return build(family, src, dst, srcPort, dstPort, seq, ack, flags, mss, Segment.NO_TIMESTAMP, 0);
    }

    /**
     * Builds a bare IP packet carrying one TCP header without payload; with {@code mss > 0} the
     * header carries an MSS option (RFC 9293 §3.7.1), as every real SYN-ACK does, and with a
     * {@code tsval} a timestamp option (two NOPs, then kind 8: RFC 7323 Appendix A's layout).
     */
    static byte[] build(IpFamily family, byte[] src, byte[] dst, int srcPort, int dstPort, long seq, long ack,
            int flags, int mss, long tsval, long tsecr) {
        TcpSegment segment = new TcpSegment().ports(srcPort, dstPort).seq(seq).ack(ack).flags(flags).window(WINDOW)
                .options(TcpOptions.concat(
                        mss > 0 ? TcpOptions.mss(mss) : new byte[0],
                        tsval != Segment.NO_TIMESTAMP ? TcpOptions.alignedTimestamp(tsval, tsecr) : new byte[0]));
        return family == IpFamily.V4
                ? new Ipv4Packet(src, dst).identification(0).withChecksums().carrying(segment)
                : new Ipv6Packet(src, dst).withChecksums().carrying(segment);
    }

    /** Whether a packet's TCP checksum (and IPv4 header checksum) verify. */
    static boolean checksumsValid(byte[] packet, int length) {
        Segment segment = parse(packet, length).orElseThrow();
        int tcp = segment.family() == IpFamily.V4 ? (packet[0] & 0x0f) * 4 : IPV6_HEADER;
        if (segment.family() == IpFamily.V4 && InternetChecksum.of(packet, 0, tcp) != 0) {
            return false;
        }
        int tcpLength = segment.family() == IpFamily.V4
                ? Short.toUnsignedInt(ByteBuffer.wrap(packet).getShort(2)) - tcp
                : Short.toUnsignedInt(ByteBuffer.wrap(packet).getShort(4));
        return InternetChecksum.tcp(packet, segment.src(), segment.dst(), tcp, tcpLength) == 0;
    }
}
