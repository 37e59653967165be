package dev.tcplat.exporter.bpf;

import static dev.tcplat.exporter.bpf.PacketFrames.ETH_P_IP;
import static dev.tcplat.exporter.bpf.PacketFrames.V4_CLIENT;
import static dev.tcplat.exporter.bpf.PacketFrames.V4_SERVER;
import static dev.tcplat.exporter.bpf.PacketFrames.ethernet;
import static dev.tcplat.exporter.bpf.PacketFrames.ipv4;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.bpf.PacketFrames.Tcp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The TCP timestamp option is found wherever the options put it: the program reads the usual
 * Linux layouts (a SYN's MSS, SACK-permitted or two NOPs, timestamp; an established segment's two
 * NOPs, timestamp) directly and walks any other layout option by option; both must agree, and
 * malformed options give no timestamp.
 */
class TcpTimestampOptionTest {
    private static final int TSVAL = 0x01020304;
    private static final int TSECR = 0x0a0b0c0d;

    private static Probe probe;
    private static final ByteBuffer ring = ByteBuffer.allocateDirect(4 * EventLayout.EVENT_SIZE)
            .order(ByteOrder.nativeOrder());

    @BeforeAll
    static void loadProgram() throws ProbeException {
        probe = Probe.open(1 << 16);
    }

    @AfterAll
    static void unload() {
        probe.close();
    }

    private static final byte[] TS = {8, 10, 1, 2, 3, 4, 0x0a, 0x0b, 0x0c, 0x0d};

    static Stream<Arguments> layouts() {
        return Stream.of(
                Arguments.of("Linux: MSS, SACK-permitted, timestamp, NOP, window scale",
                        concat(new byte[] {2, 4, 5, (byte) 0xb4, 4, 2}, TS, new byte[] {1, 3, 3, 7}), true),
                Arguments.of("Linux without SACK: MSS, NOP, NOP, timestamp, NOP, window scale",
                        concat(new byte[] {2, 4, 5, (byte) 0xb4, 1, 1}, TS, new byte[] {1, 3, 3, 7}), true),
                Arguments.of("NOP, NOP, timestamp (an established segment's layout)",
                        concat(new byte[] {1, 1}, TS), true),
                Arguments.of("NOP, NOP, timestamp, NOP, NOP, SACK block",
                        concat(new byte[] {1, 1}, TS, new byte[] {1, 1, 5, 10, 0, 0, 0, 1, 0, 0, 0, 2}), true),
                Arguments.of("NOP, NOP, then a timestamp kind with length 8",
                        new byte[] {1, 1, 8, 8, 1, 2, 3, 4, 5, 6, 0, 0}, false),
                Arguments.of("NOP, NOP, timestamp cut short by the header length",
                        new byte[] {1, 1, 8, 10, 1, 2, 3, 4}, false),
                Arguments.of("MSS, NOP, window scale, SACK-permitted, timestamp",
                        concat(new byte[] {2, 4, 5, (byte) 0xb4, 1, 3, 3, 7, 4, 2}, TS, new byte[] {0, 0}), true),
                Arguments.of("MSS, SACK-permitted, then a timestamp kind with length 8",
                        new byte[] {2, 4, 5, (byte) 0xb4, 4, 2, 8, 8, 1, 2, 3, 4, 5, 6, 0, 0}, false),
                Arguments.of("MSS, SACK-permitted, timestamp cut short by the header length",
                        new byte[] {2, 4, 5, (byte) 0xb4, 4, 2, 8, 10, 1, 2, 3, 4}, false),
                Arguments.of("no options", new byte[0], false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("layouts")
    void timestampIsFoundWhereverItIs(String layout, byte[] options, boolean hasTs) throws ProbeException {
        Tcp syn = new Tcp().ports(40001, 8080).seq(7).options(options);

        assertThat(probe.testRun(ProgramVariant.EGRESS_ETH, ethernet(ETH_P_IP, ipv4(V4_CLIENT, V4_SERVER,
                syn.bytes())))).isEqualTo(-1);

        assertThat(probe.poll(ring, 4, 0)).isEqualTo(1);
        assertThat(ring.get(EventLayout.KIND)).isEqualTo((byte) EventLayout.KIND_SYN);
        if (hasTs) {
            assertThat(ring.get(EventLayout.FLAGS) & EventLayout.FLAG_HAS_TS).isEqualTo(EventLayout.FLAG_HAS_TS);
            assertThat(ring.getInt(EventLayout.TSVAL)).isEqualTo(TSVAL);
            assertThat(ring.getInt(EventLayout.TSECR)).isEqualTo(TSECR);
        } else {
            assertThat(ring.get(EventLayout.FLAGS) & EventLayout.FLAG_HAS_TS).isZero();
        }
    }

    private static byte[] concat(byte[]... parts) {
        int length = 0;
        for (byte[] part : parts) {
            length += part.length;
        }
        byte[] out = new byte[length];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, out, at, part.length);
            at += part.length;
        }
        return out;
    }
}
