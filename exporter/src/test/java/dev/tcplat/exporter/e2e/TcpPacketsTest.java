package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.packets.TcpFlags;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The fake peer's packet code against packets whose checksums are known. */
class TcpPacketsTest {
    private static final byte[] V4_CLIENT = {10, (byte) 201, 7, 1};
    private static final byte[] V4_PEER = {10, (byte) 201, 7, 2};
    private static final byte[] V6_CLIENT = HexFormat.of().parseHex("fd00007c000700000000000000000001");
    private static final byte[] V6_PEER = HexFormat.of().parseHex("fd00007c000700000000000000000002");

    @Test
    void ipv4SynAckParsesBackAndVerifies() {
        byte[] packet = TcpPackets.build(IpFamily.V4, V4_PEER, V4_CLIENT, 8080, 40000, 0xfffffff0L, 0x80000001L,
                TcpFlags.SYN | TcpFlags.ACK, 1460);
        assertThat(packet).hasSize(44);
        assertThat(TcpPackets.checksumsValid(packet, packet.length)).isTrue();
        TcpPackets.Segment segment = TcpPackets.parse(packet, packet.length).orElseThrow();
        assertThat(segment.family()).isEqualTo(IpFamily.V4);
        assertThat(segment.src()).isEqualTo(V4_PEER);
        assertThat(segment.dst()).isEqualTo(V4_CLIENT);
        assertThat(segment.srcPort()).isEqualTo(8080);
        assertThat(segment.dstPort()).isEqualTo(40000);
        assertThat(segment.seq()).isEqualTo(0xfffffff0L);
        assertThat(segment.ack()).isEqualTo(0x80000001L);
        assertThat(segment.is(TcpFlags.SYN)).isTrue();
        assertThat(segment.isSyn()).isFalse();
    }

    @Test
    void ipv6SynParsesBackAndVerifies() {
        byte[] packet = TcpPackets.build(IpFamily.V6, V6_CLIENT, V6_PEER, 40000, 443, 12345, 0, TcpFlags.SYN, 1440);
        assertThat(packet).hasSize(64);
        assertThat(TcpPackets.checksumsValid(packet, packet.length)).isTrue();
        TcpPackets.Segment segment = TcpPackets.parse(packet, packet.length).orElseThrow();
        assertThat(segment.family()).isEqualTo(IpFamily.V6);
        assertThat(segment.src()).isEqualTo(V6_CLIENT);
        assertThat(segment.isSyn()).isTrue();
        assertThat(segment.payloadLength()).isZero();
    }

    @Test
    void timestampOptionRoundTripsAndIsAbsentOtherwise() {
        byte[] packet = TcpPackets.build(IpFamily.V4, V4_PEER, V4_CLIENT, 8080, 40000, 1, 2,
                TcpFlags.SYN | TcpFlags.ACK, 1460, 0xfedcba98L, 77);
        assertThat(packet).hasSize(56);
        assertThat(TcpPackets.checksumsValid(packet, packet.length)).isTrue();
        assertThat(TcpPackets.parse(packet, packet.length).orElseThrow().tsval()).isEqualTo(0xfedcba98L);

        byte[] plain = TcpPackets.build(IpFamily.V6, V6_CLIENT, V6_PEER, 40000, 443, 1, 0, TcpFlags.SYN, 1440);
        assertThat(TcpPackets.parse(plain, plain.length).orElseThrow().tsval())
                .isEqualTo(TcpPackets.Segment.NO_TIMESTAMP);
    }

    @Test
    void corruptedPacketFailsVerification() {
        byte[] packet = TcpPackets.build(IpFamily.V4, V4_CLIENT, V4_PEER, 40000, 80, 1, 0, TcpFlags.SYN, 0);
        packet[packet.length - 1] ^= 1;
        assertThat(TcpPackets.checksumsValid(packet, packet.length)).isFalse();
    }

    @Test
    void nonTcpAndTruncatedPacketsAreIgnored() {
        byte[] udp = TcpPackets.build(IpFamily.V4, V4_CLIENT, V4_PEER, 1, 2, 0, 0, TcpFlags.SYN, 0);
        udp[9] = 17;
        assertThat(TcpPackets.parse(udp, udp.length)).isEmpty();
        byte[] syn = TcpPackets.build(IpFamily.V6, V6_CLIENT, V6_PEER, 1, 2, 0, 0, TcpFlags.SYN, 0);
        assertThat(TcpPackets.parse(syn, syn.length - 1)).isEmpty();
        assertThat(TcpPackets.parse(new byte[0], 0)).isEmpty();
    }
}
