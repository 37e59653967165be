package dev.tcplat.exporter.bench;

import dev.tcplat.exporter.match.HandshakeEvent;
import dev.tcplat.exporter.match.HandshakeEvent.Kind;
import dev.tcplat.exporter.match.InboundMatcher;
import dev.tcplat.exporter.match.OutboundMatcher;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/**
 * Heap per pending handshake: a matcher sized for {@code pending} entries filled with that many
 * unanswered SYNs, measured as live heap after full GCs, before and after. The tables are
 * allocated up front, so the figure is the capacity's cost whether or not it is used.
 *
 * usage: MemoryBench [pending]   (default 1 048 576)
 */
public final class MemoryBench {
    public static void main(String[] args) {
        int pending = args.length > 0 ? Integer.parseInt(args[0]) : 1 << 20;
        long timeout = Pipeline.DEFAULT_TIMEOUT_NS;

        HandshakeEvent syn = new HandshakeEvent();
        long before = liveHeap();
        OutboundMatcher outbound = new OutboundMatcher(pending, timeout, new NullListener());
        long allocated = liveHeap();
        for (int i = 0; i < pending; i++) {
            long remote = (0x0a000000L | (i >>> 16)) << 32;
            syn.tuple().family(4).local(0x0a00000100000000L, 0, 1024 + (i & 0xffff)).remote(remote, 0, 443);
            outbound.onSyn(syn.reset(Kind.SYN, true, 1L + i).sequence(i, 0, false).timestamps(true, i, 0));
        }
        long filled = liveHeap();
        System.out.printf("memory.outbound_pending %d%n", outbound.pendingCount());
        System.out.printf("memory.outbound_bytes_per_pending %.1f   (target <= 64; table allocated up front: %.1f)%n",
                (double) (filled - before) / pending, (double) (allocated - before) / pending);

        before = liveHeap();
        InboundMatcher inbound = new InboundMatcher(pending, timeout, new NullListener(), tuple -> { });
        for (int i = 0; i < pending; i++) {
            long remote = (0x0a000000L | (i >>> 16)) << 32;
            syn.tuple().family(4).local(0x0a00000100000000L, 0, 443).remote(remote, 0, 1024 + (i & 0xffff));
            inbound.onSyn(syn.reset(Kind.SYN, false, 1L + i).sequence(i, 0, false).timestamps(true, i, 0));
        }
        filled = liveHeap();
        System.out.printf("memory.inbound_bytes_per_pending %.1f%n", (double) (filled - before) / pending);
        // keep both reachable until measured
        if (outbound.matched() + inbound.pendingCount() < 0) {
            System.out.println();
        }
    }

    private static long liveHeap() {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
        }
        return memory.getHeapMemoryUsage().getUsed();
    }
}
