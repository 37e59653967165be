package dev.tcplat.exporter.bpf;

import static dev.tcplat.exporter.bpf.PacketFrames.ACK;
import static dev.tcplat.exporter.bpf.PacketFrames.ETH_P_8021AD;
import static dev.tcplat.exporter.bpf.PacketFrames.ETH_P_8021Q;
import static dev.tcplat.exporter.bpf.PacketFrames.ETH_P_IP;
import static dev.tcplat.exporter.bpf.PacketFrames.ETH_P_IPV6;
import static dev.tcplat.exporter.bpf.PacketFrames.FIN;
import static dev.tcplat.exporter.bpf.PacketFrames.PSH;
import static dev.tcplat.exporter.bpf.PacketFrames.RST;
import static dev.tcplat.exporter.bpf.PacketFrames.SYN;
import static dev.tcplat.exporter.bpf.PacketFrames.V4_CLIENT;
import static dev.tcplat.exporter.bpf.PacketFrames.V4_SERVER;
import static dev.tcplat.exporter.bpf.PacketFrames.V6_CLIENT;
import static dev.tcplat.exporter.bpf.PacketFrames.V6_SERVER;
import static dev.tcplat.exporter.bpf.PacketFrames.ethernet;
import static dev.tcplat.exporter.bpf.PacketFrames.ipv4;
import static dev.tcplat.exporter.bpf.PacketFrames.ipv6;
import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.bpf.PacketFrames.Ext;
import dev.tcplat.exporter.bpf.PacketFrames.Tcp;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Drives the real TC programs with BPF_PROG_TEST_RUN on crafted frames and asserts exactly which
 * events reach the ring buffer. Needs root (or CAP_BPF + CAP_NET_ADMIN), as CI has.
 */
class HandshakeEventEmissionTest {
    /** TC_ACT_UNSPEC: hand the packet on unchanged (TCX_NEXT under TCX). */
    private static final int PASS = -1;

    private static Probe probe;
    private static final ByteBuffer ring = ByteBuffer.allocateDirect(64 * EventLayout.EVENT_SIZE)
            .order(ByteOrder.nativeOrder());

    @BeforeAll
    static void loadProgram() throws ProbeException {
        probe = Probe.open(1 << 16);
    }

    @AfterAll
    static void unload() {
        probe.close();
    }

    /** A decoded event, compared field by field. */
    record Event(int kind, int direction, int family, byte[] saddr, byte[] daddr, int sport, int dport,
            long seq, long ack, int tcpFlags, int flags, long tsval, long tsecr, long tsNs) {
        static Event read(ByteBuffer buf, int index) {
            int base = index * EventLayout.EVENT_SIZE;
            int family = buf.get(base + EventLayout.FAMILY);
            byte[] saddr = new byte[16];
            byte[] daddr = new byte[16];
            for (int i = 0; i < 16; i++) {
                saddr[i] = buf.get(base + EventLayout.SADDR + i);
                daddr[i] = buf.get(base + EventLayout.DADDR + i);
            }
            return new Event(buf.get(base + EventLayout.KIND), buf.get(base + EventLayout.DIRECTION), family,
                    saddr, daddr, Short.toUnsignedInt(buf.getShort(base + EventLayout.SPORT)),
                    Short.toUnsignedInt(buf.getShort(base + EventLayout.DPORT)),
                    Integer.toUnsignedLong(buf.getInt(base + EventLayout.SEQ)),
                    Integer.toUnsignedLong(buf.getInt(base + EventLayout.ACK)),
                    Byte.toUnsignedInt(buf.get(base + EventLayout.TCP_FLAGS)), buf.get(base + EventLayout.FLAGS),
                    Integer.toUnsignedLong(buf.getInt(base + EventLayout.TSVAL)),
                    Integer.toUnsignedLong(buf.getInt(base + EventLayout.TSECR)),
                    buf.getLong(base + EventLayout.TS_NS));
        }
    }

    /** Runs one frame through a program; asserts it passes; returns the events it emitted. */
    private static List<Event> run(ProgramVariant program, byte[] frame) throws ProbeException {
        assertThat(probe.testRun(program, frame)).as("verdict").isEqualTo(PASS);
        int n = probe.poll(ring, 64, 0);
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            events.add(Event.read(ring, i));
        }
        return events;
    }

    private static byte[] padded(byte[] address) {
        return Arrays.copyOf(address, 16);
    }

    private static Event single(List<Event> events) {
        assertThat(events).hasSize(1);
        return events.get(0);
    }

    private static byte[] v4Syn(Tcp tcp) {
        return ethernet(ETH_P_IP, ipv4(V4_CLIENT, V4_SERVER, tcp.bytes()));
    }

    @Test
    void ipv4SynOnEgressCarriesEveryField() throws ProbeException {
        long before = System.nanoTime();
        Tcp tcp = new Tcp().ports(40001, 8080).seq(0xfedcba98L).options(PacketFrames.linuxSynOptions(111, 0));

        Event e = single(run(ProgramVariant.EGRESS_ETH, v4Syn(tcp)));

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
        Tcp tcp = new Tcp().ports(8080, 40001).flags(SYN | ACK).seq(77).ack(0xfedcba99L)
                .options(PacketFrames.linuxSynOptions(999, 111));

        Event e = single(run(ProgramVariant.INGRESS_ETH, ethernet(ETH_P_IP, ipv4(V4_SERVER, V4_CLIENT, tcp.bytes()))));

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
        Event syn = single(run(ProgramVariant.EGRESS_ETH,
                ethernet(ETH_P_IPV6, ipv6(V6_CLIENT, V6_SERVER, new Tcp().seq(5).bytes()))));
        Event synAck = single(run(ProgramVariant.INGRESS_ETH, ethernet(ETH_P_IPV6,
                ipv6(V6_SERVER, V6_CLIENT, new Tcp().ports(443, 40000).flags(SYN | ACK).seq(9).ack(6).bytes()))));

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
        byte[] frame = ethernet(ETH_P_IP, ipv4(V4_CLIENT, V4_SERVER, 6, new Tcp().seq(42).bytes(), optionBytes, 0));

        Event e = single(run(ProgramVariant.EGRESS_ETH, frame));

        assertThat(e.seq()).isEqualTo(42);
        assertThat(e.sport()).isEqualTo(40000);
    }

    @Test
    void ipv6ExtensionHeadersAreWalked() throws ProbeException {
        List<Ext> chain = List.of(Ext.options(0, 0), Ext.options(60, 1), Ext.options(43, 0), Ext.fragment(0, true));
        byte[] frame = ethernet(ETH_P_IPV6, ipv6(V6_CLIENT, V6_SERVER, 6, new Tcp().seq(7).bytes(), chain));

        Event e = single(run(ProgramVariant.EGRESS_ETH, frame));

        assertThat(e.seq()).isEqualTo(7);
        assertThat(e.family()).isEqualTo(6);
    }

    @Test
    void nonFirstFragmentsAreNotTcpHeaders() throws ProbeException {
        byte[] v6 = ethernet(ETH_P_IPV6, ipv6(V6_CLIENT, V6_SERVER, 6, new Tcp().bytes(), List.of(Ext.fragment(185, false))));
        byte[] v4 = ethernet(ETH_P_IP, ipv4(V4_CLIENT, V4_SERVER, 6, new Tcp().bytes(), 0, 185));
        byte[] v4First = ethernet(ETH_P_IP, ipv4(V4_CLIENT, V4_SERVER, 6, new Tcp().bytes(), 0, 0x2000));

        assertThat(run(ProgramVariant.EGRESS_ETH, v6)).isEmpty();
        assertThat(run(ProgramVariant.EGRESS_ETH, v4)).isEmpty();
        assertThat(run(ProgramVariant.EGRESS_ETH, v4First)).hasSize(1);
    }

    @Test
    void oneAndTwoVlanTags() throws ProbeException {
        byte[] ip = ipv4(V4_CLIENT, V4_SERVER, new Tcp().seq(1).bytes());
        byte[] ip6 = ipv6(V6_CLIENT, V6_SERVER, new Tcp().seq(2).bytes());

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
        Event v4 = single(run(program, ipv4(V4_CLIENT, V4_SERVER, new Tcp().seq(3).bytes())));
        Event v6 = single(run(program, ipv6(V6_CLIENT, V6_SERVER, new Tcp().seq(4).bytes())));

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
        byte[] ethernetFrame = v4Syn(new Tcp());
        byte[] badVersion = ipv4(V4_CLIENT, V4_SERVER, new Tcp().bytes());
        badVersion[0] = 0x55;

        assertThat(run(ProgramVariant.EGRESS_L3, ethernetFrame)).isEmpty();
        assertThat(run(ProgramVariant.EGRESS_L3, badVersion)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(ints = {ACK, ACK | PSH, RST, RST | ACK, FIN | ACK, SYN | RST, SYN | FIN, 0})
    void nonHandshakeSegmentsEmitNothing(int flags) throws ProbeException {
        Tcp tcp = new Tcp().flags(flags).ack(5);
        if ((flags & PSH) != 0) {
            tcp.payload(100);
        }
        assertThat(run(ProgramVariant.EGRESS_ETH, v4Syn(tcp))).isEmpty();
        assertThat(run(ProgramVariant.INGRESS_ETH, ethernet(ETH_P_IPV6, ipv6(V6_CLIENT, V6_SERVER, tcp.bytes()))))
                .isEmpty();
    }

    @Test
    void resetRefusingASynIsEmittedWithItsAck() throws ProbeException {
        Tcp refusal = new Tcp().ports(443, 40000).flags(RST | ACK).seq(0).ack(1001);

        Event e = single(run(ProgramVariant.INGRESS_ETH, ethernet(ETH_P_IP, ipv4(V4_SERVER, V4_CLIENT, refusal.bytes()))));

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
        Tcp established = new Tcp().flags(RST | ACK).seq(123456).ack(1001);
        Tcp bare = new Tcp().flags(RST).seq(0);
        Tcp withFin = new Tcp().flags(RST | ACK | FIN).seq(0).ack(1001);

        assertThat(run(ProgramVariant.INGRESS_ETH, v4Syn(established))).isEmpty();
        assertThat(run(ProgramVariant.INGRESS_ETH, v4Syn(bare))).isEmpty();
        assertThat(run(ProgramVariant.INGRESS_ETH, v4Syn(withFin))).isEmpty();
    }

    @Test
    void ingressAckCompletingAnAnsweredHandshakeIsEmittedOnce() throws ProbeException {
        Tcp synAck = new Tcp().ports(443, 40100).flags(SYN | ACK).seq(0x70000000L).ack(501);
        Tcp wrongAck = new Tcp().ports(40100, 443).flags(ACK).seq(501).ack(0x70000005L);
        Tcp handshakeAck = new Tcp().ports(40100, 443).flags(ACK).seq(501).ack(0x70000001L);

        assertThat(single(run(ProgramVariant.EGRESS_ETH, v4(V4_SERVER, V4_CLIENT, synAck))).kind())
                .isEqualTo(EventLayout.KIND_SYNACK);
        assertThat(run(ProgramVariant.INGRESS_ETH, v4(V4_CLIENT, V4_SERVER, wrongAck))).isEmpty();
        Event e = single(run(ProgramVariant.INGRESS_ETH, v4(V4_CLIENT, V4_SERVER, handshakeAck)));
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
        Tcp synAck = new Tcp().ports(443, 40200).flags(SYN | ACK).seq(9000).ack(77);
        Tcp handshakeAck = new Tcp().ports(40200, 443).flags(ACK).seq(77).ack(9001).payload(10);
        byte[] ack6 = ethernet(ETH_P_IPV6, ipv6(V6_CLIENT, V6_SERVER, handshakeAck.bytes()));
        run(ProgramVariant.EGRESS_ETH, ethernet(ETH_P_IPV6, ipv6(V6_SERVER, V6_CLIENT, synAck.bytes())));

        probe.forgetSynAck(6, V6_SERVER, V6_CLIENT, 443, 40200);

        assertThat(run(ProgramVariant.INGRESS_ETH, ack6)).isEmpty();
    }

    private static byte[] v4(byte[] src, byte[] dst, Tcp tcp) {
        return ethernet(ETH_P_IP, ipv4(src, dst, tcp.bytes()));
    }

    @Test
    void otherProtocolsEmitNothing() throws ProbeException {
        byte[] udp = ethernet(ETH_P_IP, ipv4(V4_CLIENT, V4_SERVER, 17, new Tcp().bytes(), 0, 0));
        byte[] icmp6 = ethernet(ETH_P_IPV6, ipv6(V6_CLIENT, V6_SERVER, 58, new Tcp().bytes(), List.of()));
        byte[] arp = ethernet(0x0806, new byte[28]);

        assertThat(run(ProgramVariant.EGRESS_ETH, udp)).isEmpty();
        assertThat(run(ProgramVariant.EGRESS_ETH, icmp6)).isEmpty();
        assertThat(run(ProgramVariant.EGRESS_ETH, arp)).isEmpty();
    }

    @Test
    void malformedHeaderLengthsEmitNothing() throws ProbeException {
        byte[] ihlTooSmall = v4Syn(new Tcp());
        ihlTooSmall[14] = 0x44;
        byte[] ihlPastTheEnd = v4Syn(new Tcp());
        ihlPastTheEnd[14] = 0x4f;
        byte[] doffTooSmall = v4Syn(new Tcp().doff(4));
        byte[] doffPastTheEnd = v4Syn(new Tcp().doff(15));

        assertThat(run(ProgramVariant.EGRESS_ETH, ihlTooSmall)).isEmpty();
        assertThat(run(ProgramVariant.EGRESS_ETH, ihlPastTheEnd)).isEmpty();
        assertThat(run(ProgramVariant.EGRESS_ETH, doffTooSmall)).isEmpty();
        assertThat(run(ProgramVariant.EGRESS_ETH, doffPastTheEnd)).isEmpty();
    }

    @Test
    void ipv6ExtensionChainsBeyondTheBoundOrTheFrameEmitNothing() throws ProbeException {
        List<Ext> tooLong = new ArrayList<>();
        for (int i = 0; i < 12; i++) {
            tooLong.add(Ext.options(60, 0));
        }
        byte[] longChain = ethernet(ETH_P_IPV6, ipv6(V6_CLIENT, V6_SERVER, 6, new Tcp().bytes(), tooLong));
        byte[] pastTheEnd = ethernet(ETH_P_IPV6, ipv6(V6_CLIENT, V6_SERVER, 6, new byte[0], List.of(Ext.options(0, 0))));
        pastTheEnd[14 + 40 + 1] = (byte) 200; // hop-by-hop claims 1608 bytes

        assertThat(run(ProgramVariant.EGRESS_ETH, longChain)).isEmpty();
        assertThat(run(ProgramVariant.EGRESS_ETH, pastTheEnd)).isEmpty();
    }

    @Test
    void everyTruncationOfASynPassesAndOnlyTheWholeHeaderEmits() throws ProbeException {
        byte[] v4 = v4Syn(new Tcp().options(PacketFrames.linuxSynOptions(1, 0)));
        byte[] v6 = ethernet(ETH_P_IPV6, ipv6(V6_CLIENT, V6_SERVER, new Tcp().options(PacketFrames.linuxSynOptions(1, 0)).bytes()));
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
