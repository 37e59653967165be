package dev.tcplat.exporter.bpf;

import static dev.tcplat.exporter.bpf.TestHosts.V4_CLIENT;
import static dev.tcplat.exporter.bpf.TestHosts.V4_SERVER;
import static dev.tcplat.exporter.bpf.TestHosts.V6_CLIENT;
import static dev.tcplat.exporter.bpf.TestHosts.V6_SERVER;
import static dev.tcplat.exporter.packets.EthernetFrame.ETH_P_8021AD;
import static dev.tcplat.exporter.packets.EthernetFrame.ETH_P_8021Q;
import static dev.tcplat.exporter.packets.EthernetFrame.ETH_P_ARP;
import static dev.tcplat.exporter.packets.EthernetFrame.ETH_P_IP;
import static dev.tcplat.exporter.packets.EthernetFrame.ETH_P_IPV6;
import static dev.tcplat.exporter.packets.EthernetFrame.ethernet;
import static dev.tcplat.exporter.packets.Ipv4Packet.ipv4;
import static dev.tcplat.exporter.packets.Ipv6Packet.ipv6;
import static dev.tcplat.exporter.packets.TcpFlags.ACK;
import static dev.tcplat.exporter.packets.TcpFlags.FIN;
import static dev.tcplat.exporter.packets.TcpFlags.PSH;
import static dev.tcplat.exporter.packets.TcpFlags.RST;
import static dev.tcplat.exporter.packets.TcpFlags.SYN;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.packets.IpProtocols;
import dev.tcplat.exporter.packets.Ipv4Packet;
import dev.tcplat.exporter.packets.Ipv6Extension;
import dev.tcplat.exporter.packets.Ipv6Packet;
import dev.tcplat.exporter.packets.TcpOptions;
import dev.tcplat.exporter.packets.TcpSegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Drives the real TC programs with BPF_PROG_TEST_RUN on crafted frames and asserts exactly which
 * events reach the ring buffer. Needs root (or CAP_BPF + CAP_NET_ADMIN), as CI has.
 */
class HandshakeEventEmissionTest {
    @RegisterExtension
    static final ProgramTestRuns programs = ProgramTestRuns.oncePerClass();

    /** Runs one frame through a program; asserts it passes; returns the events it emitted. */
    private static List<EmittedEvent> run(ProgramVariant program, byte[] frame) throws ProbeException {
        ProgramRun run = programs.run(program, frame);
        assertThat(run.verdict()).as("verdict").isEqualTo(ProgramRun.PASS);
        return run.events();
    }

    private static byte[] padded(byte[] address) {
        return Arrays.copyOf(address, 16);
    }

    private static EmittedEvent single(List<EmittedEvent> events) {
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    private static byte[] v4Syn(TcpSegment tcp) {
        return ethernet(ETH_P_IP, ipv4(V4_CLIENT, V4_SERVER, tcp));
    }

    @Test
    void ipv4SynOnEgressCarriesEveryField() throws ProbeException {
        long before = System.nanoTime();
        TcpSegment tcp = new TcpSegment().ports(40001, 8080).seq(0xfedcba98L).options(TcpOptions.linuxSyn(111, 0));

        EmittedEvent e = single(run(ProgramVariant.EGRESS_ETH, v4Syn(tcp)));

        assertThat(e.kind()).isEqualTo(EventLayout.KIND_SYN);
        assertThat(e.direction()).isEqualTo(EventLayout.DIR_EGRESS);
        assertThat(e.family()).isEqualTo(4);
        assertThat(e.saddr()).isEqualTo(padded(V4_CLIENT));
        assertThat(e.daddr()).isEqualTo(padded(V4_SERVER));
        assertThat(e.sport()).isEqualTo(40001);
        assertThat(e.dport()).isEqualTo(8080);
        assertThat(e.seq()).isEqualTo(0xfedcba98L);
        assertThat(e.ack()).isZero();
        assertThat(e.tcpFlags()).isEqualTo(SYN);
        assertThat(e.flags()).isEqualTo(EventLayout.FLAG_HAS_TS);
        assertThat(e.tsval()).isEqualTo(111);
        assertThat(e.tsecr()).isZero();
        // bpf_ktime_get_ns and System.nanoTime are both CLOCK_MONOTONIC
        assertThat(e.tsNs()).isBetween(before, System.nanoTime());
    }

    @Test
    void ipv4SynAckOnIngress() throws ProbeException {
        TcpSegment tcp = new TcpSegment().ports(8080, 40001).flags(SYN | ACK).seq(77).ack(0xfedcba99L)
                .options(TcpOptions.linuxSyn(999, 111));

        EmittedEvent e = single(run(ProgramVariant.INGRESS_ETH, ethernet(ETH_P_IP, ipv4(V4_SERVER, V4_CLIENT, tcp))));

        assertThat(e.kind()).isEqualTo(EventLayout.KIND_SYNACK);
        assertThat(e.direction()).isEqualTo(EventLayout.DIR_INGRESS);
        assertThat(e.saddr()).isEqualTo(padded(V4_SERVER));
        assertThat(e.daddr()).isEqualTo(padded(V4_CLIENT));
        assertThat(e.sport()).isEqualTo(8080);
        assertThat(e.dport()).isEqualTo(40001);
        assertThat(e.seq()).isEqualTo(77);
        assertThat(e.ack()).isEqualTo(0xfedcba99L);
        assertThat(e.tcpFlags()).isEqualTo(SYN | ACK);
        assertThat(e.tsval()).isEqualTo(999);
        assertThat(e.tsecr()).isEqualTo(111);
    }

    @Test
    void ipv6SynAndSynAck() throws ProbeException {
        EmittedEvent syn = single(run(ProgramVariant.EGRESS_ETH,
                ethernet(ETH_P_IPV6, ipv6(V6_CLIENT, V6_SERVER, new TcpSegment().seq(5)))));
        EmittedEvent synAck = single(run(ProgramVariant.INGRESS_ETH, ethernet(ETH_P_IPV6,
                ipv6(V6_SERVER, V6_CLIENT, new TcpSegment().ports(443, 40000).flags(SYN | ACK).seq(9).ack(6)))));

        assertThat(syn.family()).isEqualTo(6);
        assertThat(syn.saddr()).isEqualTo(V6_CLIENT);
        assertThat(syn.daddr()).isEqualTo(V6_SERVER);
        assertThat(syn.kind()).isEqualTo(EventLayout.KIND_SYN);
        assertThat(syn.flags()).as("no timestamp option").isZero();
        assertThat(synAck.kind()).isEqualTo(EventLayout.KIND_SYNACK);
        assertThat(synAck.saddr()).isEqualTo(V6_SERVER);
        assertThat(synAck.ack()).isEqualTo(6);
        assertThat(synAck.tsNs()).isGreaterThan(syn.tsNs());
    }

    @ParameterizedTest
    @ValueSource(ints = {4, 8, 20, 40})
    void ipv4OptionsAreSkippedUsingIhl(int optionBytes) throws ProbeException {
        byte[] frame = ethernet(ETH_P_IP, new Ipv4Packet(V4_CLIENT, V4_SERVER).optionBytes(optionBytes)
                .fragmentField(0).carrying(new TcpSegment().seq(42)));

        EmittedEvent e = single(run(ProgramVariant.EGRESS_ETH, frame));

        assertThat(e.seq()).isEqualTo(42);
        assertThat(e.sport()).isEqualTo(40000);
    }

    @Test
    void ipv6ExtensionHeadersAreWalked() throws ProbeException {
        List<Ipv6Extension> chain = List.of(Ipv6Extension.options(Ipv6Extension.HOP_BY_HOP, 0),
                Ipv6Extension.options(Ipv6Extension.DESTINATION_OPTIONS, 1),
                Ipv6Extension.options(Ipv6Extension.ROUTING, 0), Ipv6Extension.fragment(0, true));
        byte[] frame = ethernet(ETH_P_IPV6,
                new Ipv6Packet(V6_CLIENT, V6_SERVER).extensions(chain).carrying(new TcpSegment().seq(7)));

        EmittedEvent e = single(run(ProgramVariant.EGRESS_ETH, frame));

        assertThat(e.seq()).isEqualTo(7);
        assertThat(e.family()).isEqualTo(6);
    }

    @Test
    void nonFirstFragmentsAreNotTcpHeaders() throws ProbeException {
        byte[] v6 = ethernet(ETH_P_IPV6, new Ipv6Packet(V6_CLIENT, V6_SERVER)
                .extensions(List.of(Ipv6Extension.fragment(185, false))).carrying(new TcpSegment()));
        byte[] v4 = ethernet(ETH_P_IP,
                new Ipv4Packet(V4_CLIENT, V4_SERVER).fragmentField(185).carrying(new TcpSegment()));
        byte[] v4First = ethernet(ETH_P_IP,
                new Ipv4Packet(V4_CLIENT, V4_SERVER).fragmentField(0x2000).carrying(new TcpSegment()));

        assertThat(run(ProgramVariant.EGRESS_ETH, v6)).isEmpty();
        assertThat(run(ProgramVariant.EGRESS_ETH, v4)).isEmpty();
        assertThat(run(ProgramVariant.EGRESS_ETH, v4First)).hasSize(1);
    }

    @Test
    void oneAndTwoVlanTags() throws ProbeException {
        byte[] ip = ipv4(V4_CLIENT, V4_SERVER, new TcpSegment().seq(1));
        byte[] ip6 = ipv6(V6_CLIENT, V6_SERVER, new TcpSegment().seq(2));

        assertThat(single(run(ProgramVariant.EGRESS_ETH, ethernet(ETH_P_IP, ip, ETH_P_8021Q))).seq()).isEqualTo(1);
        assertThat(single(run(ProgramVariant.EGRESS_ETH, ethernet(ETH_P_IP, ip, ETH_P_8021AD, ETH_P_8021Q))).seq())
                .isEqualTo(1);
        assertThat(single(run(ProgramVariant.INGRESS_ETH, ethernet(ETH_P_IPV6, ip6, ETH_P_8021AD, ETH_P_8021Q)))
                .family()).isEqualTo(6);
        assertThat(run(ProgramVariant.EGRESS_ETH, ethernet(ETH_P_IP, ip, ETH_P_8021AD, ETH_P_8021Q, ETH_P_8021Q)))
                .as("three tags exceed the bound").isEmpty();
    }

    @ParameterizedTest
    @EnumSource(value = ProgramVariant.class, names = {"INGRESS_L3", "EGRESS_L3"})
    void l3DevicesStartAtTheIpHeader(ProgramVariant program) throws ProbeException {
        EmittedEvent v4 = single(run(program, ipv4(V4_CLIENT, V4_SERVER, new TcpSegment().seq(3))));
        EmittedEvent v6 = single(run(program, ipv6(V6_CLIENT, V6_SERVER, new TcpSegment().seq(4))));

        int direction = program == ProgramVariant.INGRESS_L3 ? EventLayout.DIR_INGRESS : EventLayout.DIR_EGRESS;
        assertThat(v4.family()).isEqualTo(4);
        assertThat(v4.saddr()).isEqualTo(padded(V4_CLIENT));
        assertThat(v4.direction()).isEqualTo(direction);
        assertThat(v6.family()).isEqualTo(6);
        assertThat(v6.daddr()).isEqualTo(V6_SERVER);
        assertThat(v6.seq()).isEqualTo(4);
    }

    @Test
    void l3ProgramIgnoresEthernetFramesAndBadVersions() throws ProbeException {
        byte[] ethernetFrame = v4Syn(new TcpSegment());
        byte[] badVersion = ipv4(V4_CLIENT, V4_SERVER, new TcpSegment());
        badVersion[0] = 0x55;

        assertThat(run(ProgramVariant.EGRESS_L3, ethernetFrame)).isEmpty();
        assertThat(run(ProgramVariant.EGRESS_L3, badVersion)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {ACK, ACK | PSH, RST, RST | ACK, FIN | ACK, SYN | RST, SYN | FIN, 0})
    void nonHandshakeSegmentsEmitNothing(int flags) throws ProbeException {
        TcpSegment tcp = new TcpSegment().flags(flags).ack(5);
        if ((flags & PSH) != 0) {
            tcp.payload(100);
        }
        assertThat(run(ProgramVariant.EGRESS_ETH, v4Syn(tcp))).isEmpty();
        assertThat(run(ProgramVariant.INGRESS_ETH, ethernet(ETH_P_IPV6, ipv6(V6_CLIENT, V6_SERVER, tcp))))
                .isEmpty();
    }

    @Test
    void resetRefusingASynIsEmittedWithItsAck() throws ProbeException {
        TcpSegment refusal = new TcpSegment().ports(443, 40000).flags(RST | ACK).seq(0).ack(1001);

        EmittedEvent e = single(run(ProgramVariant.INGRESS_ETH,
                ethernet(ETH_P_IP, ipv4(V4_SERVER, V4_CLIENT, refusal))));

        assertThat(e.kind()).isEqualTo(EventLayout.KIND_RST);
        assertThat(e.direction()).isEqualTo(EventLayout.DIR_INGRESS);
        assertThat(e.saddr()).isEqualTo(padded(V4_SERVER));
        assertThat(e.sport()).isEqualTo(443);
        assertThat(e.dport()).isEqualTo(40000);
        assertThat(e.seq()).isZero();
        assertThat(e.ack()).isEqualTo(1001);
        assertThat(e.tcpFlags()).isEqualTo(RST | ACK);
    }

    @Test
    void resetsThatDoNotRefuseASynEmitNothing() throws ProbeException {
        TcpSegment established = new TcpSegment().flags(RST | ACK).seq(123456).ack(1001);
        TcpSegment bare = new TcpSegment().flags(RST).seq(0);
        TcpSegment withFin = new TcpSegment().flags(RST | ACK | FIN).seq(0).ack(1001);

        assertThat(run(ProgramVariant.INGRESS_ETH, v4Syn(established))).isEmpty();
        assertThat(run(ProgramVariant.INGRESS_ETH, v4Syn(bare))).isEmpty();
        assertThat(run(ProgramVariant.INGRESS_ETH, v4Syn(withFin))).isEmpty();
    }

    @Test
    void ingressAckCompletingAnAnsweredHandshakeIsEmittedOnce() throws ProbeException {
        TcpSegment synAck = new TcpSegment().ports(443, 40100).flags(SYN | ACK).seq(0x70000000L).ack(501);
        TcpSegment wrongAck = new TcpSegment().ports(40100, 443).flags(ACK).seq(501).ack(0x70000005L);
        TcpSegment handshakeAck = new TcpSegment().ports(40100, 443).flags(ACK).seq(501).ack(0x70000001L);

        assertThat(single(run(ProgramVariant.EGRESS_ETH, v4(V4_SERVER, V4_CLIENT, synAck))).kind())
                .isEqualTo(EventLayout.KIND_SYNACK);
        assertThat(run(ProgramVariant.INGRESS_ETH, v4(V4_CLIENT, V4_SERVER, wrongAck))).isEmpty();
        EmittedEvent e = single(run(ProgramVariant.INGRESS_ETH, v4(V4_CLIENT, V4_SERVER, handshakeAck)));
        assertThat(run(ProgramVariant.INGRESS_ETH, v4(V4_CLIENT, V4_SERVER, handshakeAck)))
                .as("the entry is gone once matched").isEmpty();

        assertThat(e.kind()).isEqualTo(EventLayout.KIND_ACK);
        assertThat(e.direction()).isEqualTo(EventLayout.DIR_INGRESS);
        assertThat(e.saddr()).isEqualTo(padded(V4_CLIENT));
        assertThat(e.sport()).isEqualTo(40100);
        assertThat(e.ack()).isEqualTo(0x70000001L);
    }

    @Test
    void forgottenSynAckNoLongerWaitsForItsAck() throws ProbeException {
        TcpSegment synAck = new TcpSegment().ports(443, 40200).flags(SYN | ACK).seq(9000).ack(77);
        TcpSegment handshakeAck = new TcpSegment().ports(40200, 443).flags(ACK).seq(77).ack(9001).payload(10);
        byte[] ack6 = ethernet(ETH_P_IPV6, ipv6(V6_CLIENT, V6_SERVER, handshakeAck));
        run(ProgramVariant.EGRESS_ETH, ethernet(ETH_P_IPV6, ipv6(V6_SERVER, V6_CLIENT, synAck)));

        programs.probe().forgetSynAck(6, V6_SERVER, V6_CLIENT, 443, 40200);

        assertThat(run(ProgramVariant.INGRESS_ETH, ack6)).isEmpty();
    }

    private static byte[] v4(byte[] src, byte[] dst, TcpSegment tcp) {
        return ethernet(ETH_P_IP, ipv4(src, dst, tcp));
    }

    @Test
    void otherProtocolsEmitNothing() throws ProbeException {
        byte[] udp = ethernet(ETH_P_IP, new Ipv4Packet(V4_CLIENT, V4_SERVER).protocol(IpProtocols.UDP).fragmentField(0)
                .carrying(new TcpSegment()));
        byte[] icmp6 = ethernet(ETH_P_IPV6, new Ipv6Packet(V6_CLIENT, V6_SERVER).protocol(IpProtocols.ICMPV6)
                .carrying(new TcpSegment()));
        byte[] arp = ethernet(ETH_P_ARP, new byte[28]);

        assertThat(run(ProgramVariant.EGRESS_ETH, udp)).isEmpty();
        assertThat(run(ProgramVariant.EGRESS_ETH, icmp6)).isEmpty();
        assertThat(run(ProgramVariant.EGRESS_ETH, arp)).isEmpty();
    }

    @Test
    void malformedHeaderLengthsEmitNothing() throws ProbeException {
        byte[] ihlTooSmall = v4Syn(new TcpSegment());
        ihlTooSmall[14] = 0x44;
        byte[] ihlPastTheEnd = v4Syn(new TcpSegment());
        ihlPastTheEnd[14] = 0x4f;
        byte[] doffTooSmall = v4Syn(new TcpSegment().dataOffset(4));
        byte[] doffPastTheEnd = v4Syn(new TcpSegment().dataOffset(15));

        assertThat(run(ProgramVariant.EGRESS_ETH, ihlTooSmall)).isEmpty();
        assertThat(run(ProgramVariant.EGRESS_ETH, ihlPastTheEnd)).isEmpty();
        assertThat(run(ProgramVariant.EGRESS_ETH, doffTooSmall)).isEmpty();
        assertThat(run(ProgramVariant.EGRESS_ETH, doffPastTheEnd)).isEmpty();
    }

    @Test
    void ipv6ExtensionChainsBeyondTheBoundOrTheFrameEmitNothing() throws ProbeException {
        List<Ipv6Extension> tooLong = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            tooLong.add(Ipv6Extension.options(Ipv6Extension.DESTINATION_OPTIONS, 0));
        }
        byte[] longChain = ethernet(ETH_P_IPV6,
                new Ipv6Packet(V6_CLIENT, V6_SERVER).extensions(tooLong).carrying(new TcpSegment()));
        byte[] pastTheEnd = ethernet(ETH_P_IPV6, new Ipv6Packet(V6_CLIENT, V6_SERVER)
                .extensions(List.of(Ipv6Extension.options(Ipv6Extension.HOP_BY_HOP, 0))).carrying(new byte[0]));
        pastTheEnd[14 + 40 + 1] = (byte) 200; // hop-by-hop claims 1608 bytes

        assertThat(run(ProgramVariant.EGRESS_ETH, longChain)).isEmpty();
        assertThat(run(ProgramVariant.EGRESS_ETH, pastTheEnd)).isEmpty();
    }

    @Test
    void everyTruncationOfASynPassesAndOnlyTheWholeHeaderEmits() throws ProbeException {
        byte[] v4 = v4Syn(new TcpSegment().options(TcpOptions.linuxSyn(1, 0)));
        byte[] v6 = ethernet(ETH_P_IPV6,
                ipv6(V6_CLIENT, V6_SERVER, new TcpSegment().options(TcpOptions.linuxSyn(1, 0))));
        // The kernel refuses to test-run a frame that announces IPv4/IPv6 without room for its header.
        assertTruncations(v4, 14 + 20);
        assertTruncations(v6, 14 + 40);
    }

    private static void assertTruncations(byte[] frame, int shortestAccepted) throws ProbeException {
        for (int length = shortestAccepted; length < frame.length; length++) {
            assertThat(run(ProgramVariant.EGRESS_ETH, Arrays.copyOf(frame, length)))
                    .as("frame cut to %d of %d bytes", length, frame.length).isEmpty();
        }
        assertThat(run(ProgramVariant.EGRESS_ETH, frame)).hasSize(1);
    }
}
