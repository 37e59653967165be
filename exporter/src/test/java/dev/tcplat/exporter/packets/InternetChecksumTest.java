package dev.tcplat.exporter.packets;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The checksum against published examples, and the property receivers rely on. */
class InternetChecksumTest {
    @Test
    void rfc1071WorkedExample() {
        // RFC 1071 §3: the words 0001 f203 f4f5 f6f7 sum to ddf2, whose complement is 220d.
        byte[] words = HexFormat.of().parseHex("0001f203f4f5f6f7");

        assertThat(InternetChecksum.of(words, 0, words.length)).isEqualTo(0x220d);
    }

    @Test
    void anOddLengthIsPaddedWithAZeroByte() {
        byte[] odd = HexFormat.of().parseHex("0001f203f4f5f6");
        byte[] padded = HexFormat.of().parseHex("0001f203f4f5f600");

        assertThat(InternetChecksum.of(odd, 0, odd.length)).isEqualTo(InternetChecksum.of(padded, 0, padded.length));
    }

    @Test
    void ipv4HeaderWithItsChecksumSumsToZero() {
        byte[] header = new Ipv4Packet(new byte[] {(byte) 192, (byte) 168, 0, 1},
                new byte[] {(byte) 192, (byte) 168, 0, (byte) 199}).withChecksums().carrying(new byte[0]);

        assertThat(InternetChecksum.of(header, 0, Ipv4Packet.HEADER_LENGTH)).isZero();
        header[8] ^= 1; // TTL
        assertThat(InternetChecksum.of(header, 0, Ipv4Packet.HEADER_LENGTH)).isNotZero();
    }

    @Test
    void tcpChecksumCoversThePseudoHeaderOfBothFamilies() {
        byte[] v6Source = HexFormat.of().parseHex("fd000000000000000000000000000001");
        byte[] v6Destination = HexFormat.of().parseHex("fd000000000000000000000000000002");
        TcpSegment segment = new TcpSegment().options(TcpOptions.linuxSyn(1, 0)).payload(3);
        byte[] packet = new Ipv6Packet(v6Source, v6Destination).withChecksums().carrying(segment);
        int tcpLength = packet.length - Ipv6Packet.HEADER_LENGTH;

        assertThat(InternetChecksum.tcp(packet, v6Source, v6Destination, Ipv6Packet.HEADER_LENGTH, tcpLength))
                .isZero();
        assertThat(InternetChecksum.tcp(packet, v6Destination, v6Destination, Ipv6Packet.HEADER_LENGTH, tcpLength))
                .as("another source address").isNotZero();
    }
}
