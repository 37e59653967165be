package dev.tcplat.exporter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.tcplat.exporter.e2e.Attachments.Hook;
import java.net.InetAddress;

/**
 * Someone else's BPF program on the egress hook, with a verdict a test can observe: a classic-BPF
 * {@code cls_bpf} filter in direct-action mode that drops IPv4 TCP packets to one port
 * ({@code TC_ACT_SHOT}) and hands every other packet on ({@code TC_ACT_UNSPEC}). It sits at
 * priority 40000, after the exporter's legacy filter (priority 1985), so in legacy mode every
 * packet passes the exporter's program first: if that program ended the chain or altered the
 * packet, the dropper's verdict would change.
 */
final class ForeignDropper {
    static final int PRIORITY = 40000;
    private static final int CONNECT_TIMEOUT_MS = 1000;

    private ForeignDropper() {}

    /**
     * Adds a clsact qdisc (unless there is one) and the filter on {@code dev}'s egress.
     * The program, in tc's "count,code jt jf k,..." notation (offsets into the Ethernet frame):
     * ldh [12]; jeq 0x800 else pass; ldb [23]; jeq 6 (TCP) else pass; ldxb 4*([14]&0xf);
     * ldh [x+16] (destination port); jeq PORT else pass; ret 2 (drop); pass: ret -1 (next filter).
     */
    static void install(NetworkNamespace ns, String dev, int port) {
        if (!Attachments.hasClsact(ns, dev)) {
            ns.exec("tc", "qdisc", "add", "dev", dev, "clsact").check();
        }
        String program = "9,40 0 0 12,21 0 6 2048,48 0 0 23,21 0 4 6,177 0 0 14,72 0 0 16,21 0 1 " + port
                + ",6 0 0 2,6 0 0 4294967295";
        ns.exec("tc", "filter", "add", "dev", dev, "egress", "prio", String.valueOf(PRIORITY), "handle", "9",
                "bpf", "da", "bytecode", program).check();
        assertThat(Attachments.tcFilters(ns, dev, Hook.EGRESS)).contains("pref " + PRIORITY + " bpf");
    }

    /** Its verdicts hold: connects to the dropped port go unanswered, others succeed. */
    static void assertVerdicts(NetworkNamespace ns, InetAddress server, int droppedPort, int openPort, String context)
            throws Exception {
        assertThat(TcpClient.connect(ns, server, droppedPort, CONNECT_TIMEOUT_MS))
                .as("connect to the dropped port " + droppedPort + " " + context)
                .isEqualTo(TcpClient.Outcome.TIMED_OUT);
        assertThat(TcpClient.connect(ns, server, openPort, CONNECT_TIMEOUT_MS))
                .as("connect to the open port " + openPort + " " + context)
                .isEqualTo(TcpClient.Outcome.CONNECTED);
    }
}
