package dev.tcplat.exporter.bench;

import dev.tcplat.exporter.bpf.EventLayout;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * The event mix of ebpf/bench/evgen.bpf.c, written in Java into a drain-style buffer for the
 * benchmarks that run without a kernel: event i is the egress SYN of outbound handshake i/2 when i
 * is even, else the ingress SYN-ACK answering handshake i/2 - WINDOW; tuples cycle through
 * {@code tuples} local ports towards {@code peers} remote addresses, every fourth one IPv6.
 */
final class EventMix {
    static final int WINDOW = 64;

    private final int tuples;
    private final int peers;
    private final byte[] local = new byte[16];
    private final byte[] remote = new byte[16];
    private long next;
    private long clockNs = 1_000_000_000L;

    EventMix(int tuples, int peers) {
        this.tuples = tuples;
        this.peers = peers;
    }

    /** A native-order buffer for {@code records} events. */
    static ByteBuffer buffer(int records) {
        return ByteBuffer.allocateDirect(records * EventLayout.EVENT_SIZE).order(ByteOrder.nativeOrder());
    }

    /** Writes the next {@code count} events of the mix into {@code buf} from record 0; returns the count written. */
    int fill(ByteBuffer buf, int count) {
        int written = 0;
        while (written < count) {
            long i = next++;
            long hs = i >> 1;
            boolean syn = (i & 1) == 0;
            if (!syn) {
                if (hs < WINDOW) {
                    continue;
                }
                hs -= WINDOW;
            }
            write(buf, written++ * EventLayout.EVENT_SIZE, hs, syn);
        }
        return written;
    }

    private void write(ByteBuffer buf, int base, long hs, boolean syn) {
        int t = (int) (hs % tuples);
        int peer = t % peers;
        int seq = (int) hs * (int) 2654435761L;
        boolean v6 = peer % 4 == 3;
        Arrays.fill(local, (byte) 0);
        Arrays.fill(remote, (byte) 0);
        if (v6) {
            local[0] = (byte) 0xfd;
            local[15] = 1;
            remote[0] = (byte) 0xfd;
            remote[1] = 1;
            remote[14] = (byte) (peer >> 8);
            remote[15] = (byte) peer;
        } else {
            local[0] = 10;
            local[3] = 1;
            remote[0] = 10;
            remote[1] = 1;
            remote[2] = (byte) (peer >> 8);
            remote[3] = (byte) peer;
        }
        clockNs += 50_000;
        int localPort = 32768 + t % 28000;
        buf.putLong(base + EventLayout.TS_NS, clockNs);
        buf.put(base + EventLayout.SADDR, syn ? local : remote);
        buf.put(base + EventLayout.DADDR, syn ? remote : local);
        buf.putInt(base + EventLayout.SEQ, syn ? seq : seq * 7 + 1);
        buf.putInt(base + EventLayout.ACK, syn ? 0 : seq + 1);
        buf.putInt(base + EventLayout.TSVAL, syn ? (int) hs : (int) hs + 1000);
        buf.putInt(base + EventLayout.TSECR, syn ? 0 : (int) hs);
        buf.putInt(base + EventLayout.IFINDEX, 2);
        buf.putShort(base + EventLayout.SPORT, (short) (syn ? localPort : 443));
        buf.putShort(base + EventLayout.DPORT, (short) (syn ? 443 : localPort));
        buf.put(base + EventLayout.FAMILY, (byte) (v6 ? 6 : 4));
        buf.put(base + EventLayout.KIND, (byte) (syn ? EventLayout.KIND_SYN : EventLayout.KIND_SYNACK));
        buf.put(base + EventLayout.DIRECTION, (byte) (syn ? EventLayout.DIR_EGRESS : EventLayout.DIR_INGRESS));
        buf.put(base + EventLayout.TCP_FLAGS, (byte) (syn ? 0x02 : 0x12));
        buf.put(base + EventLayout.FLAGS, (byte) EventLayout.FLAG_HAS_TS);
    }
}
