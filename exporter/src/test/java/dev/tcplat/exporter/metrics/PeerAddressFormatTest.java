package dev.tcplat.exporter.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.ByteBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class PeerAddressFormatTest {
    @ParameterizedTest
    @CsvSource({
        // RFC 5952 section 4 examples and edge cases
        "2001:db8:0:0:1:0:0:1,     2001:db8::1:0:0:1",
        "2001:0db8:0:0:0:0:2:1,    2001:db8::2:1",
        "2001:db8:0:1:1:1:1:1,     2001:db8:0:1:1:1:1:1",
        "2001:db8:0:0:1:0:0:0,     2001:db8:0:0:1::",
        "2001:DB8:0:0:0:0:0:1,     2001:db8::1",
        "0:0:0:0:0:0:0:0,          ::",
        "0:0:0:0:0:0:0:1,          ::1",
        "fe80:0:0:0:0:0:0:0,       fe80::",
        "1:0:0:2:0:0:0:3,          1:0:0:2::3",
        "fd00:211:0:0:0:0:0:2,     fd00:211::2",
        "::ffff:10.211.0.2,        10.211.0.2",
    })
    void ipv6IsWrittenInRfc5952Form(String input, String expected) throws Exception {
        ByteBuffer address = ByteBuffer.wrap(InetAddress.getByName(input).getAddress().length == 16
                ? InetAddress.getByName(input).getAddress()
                : mapped(InetAddress.getByName(input).getAddress()));
        assertThat(PeerAddressFormat.format(6, address.getLong(0), address.getLong(8))).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({"10.211.0.2", "0.0.0.0", "255.255.255.255", "192.0.2.1"})
    void ipv4IsADottedQuad(String input) throws Exception {
        long hi = ((long) ByteBuffer.wrap(InetAddress.getByName(input).getAddress()).getInt()) << 32;
        assertThat(PeerAddressFormat.format(4, hi, 0)).isEqualTo(input);
    }

    private static byte[] mapped(byte[] ipv4) {
        // InetAddress turns ::ffff:a.b.c.d into an Inet4Address; rebuild the 16 wire bytes.
        byte[] v6 = new byte[16];
        v6[10] = (byte) 0xff;
        v6[11] = (byte) 0xff;
        System.arraycopy(ipv4, 0, v6, 12, 4);
        return v6;
    }
}
