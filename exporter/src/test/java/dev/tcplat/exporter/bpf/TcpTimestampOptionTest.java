package dev.tcplat.exporter.bpf;

import static dev.tcplat.exporter.bpf.TestHosts.V4_CLIENT;
import static dev.tcplat.exporter.bpf.TestHosts.V4_SERVER;
import static dev.tcplat.exporter.packets.EthernetFrame.ETH_P_IP;
import static dev.tcplat.exporter.packets.EthernetFrame.ethernet;
import static dev.tcplat.exporter.packets.Ipv4Packet.ipv4;
import static dev.tcplat.exporter.packets.TcpOptions.concat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.packets.TcpSegment;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
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

    @RegisterExtension
    static final ProgramTestRuns programs = ProgramTestRuns.oncePerClass();

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
        TcpSegment syn = new TcpSegment().ports(40001, 8080).seq(7).options(options);

        ProgramRun run = programs.run(ProgramVariant.EGRESS_ETH, ethernet(ETH_P_IP, ipv4(V4_CLIENT, V4_SERVER, syn)));
        assertThat(run.verdict()).isEqualTo(ProgramRun.PASS);

        assertThat(run.events()).hasSize(1);
        EmittedEvent e = run.events().get(0);
        assertThat(e.kind()).isEqualTo(EventLayout.KIND_SYN);
        if (hasTs) {
            assertThat(e.flags() & EventLayout.FLAG_HAS_TS).isEqualTo(EventLayout.FLAG_HAS_TS);
            assertThat(e.tsval()).isEqualTo(TSVAL);
            assertThat(e.tsecr()).isEqualTo(TSECR);
        } else {
            assertThat(e.flags() & EventLayout.FLAG_HAS_TS).isZero();
        }
    }
}
