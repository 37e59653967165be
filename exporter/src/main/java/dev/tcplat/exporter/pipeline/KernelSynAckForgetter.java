package dev.tcplat.exporter.pipeline;

import dev.tcplat.exporter.bpf.Probe;
import dev.tcplat.exporter.bpf.ProbeException;
import dev.tcplat.exporter.match.SynAckForgetter;
import dev.tcplat.exporter.match.Tuple;
import java.nio.ByteBuffer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Forgets a given-up inbound handshake in the kernel's table of answered ones, through the probe.
 * A failure is logged, not thrown: the kernel entry then ages out by itself, and the drain thread
 * must go on.
 */
public final class KernelSynAckForgetter implements SynAckForgetter {
    private static final Logger log = LoggerFactory.getLogger(KernelSynAckForgetter.class);

    private final Probe probe;
    // Reused: only the drain thread calls forget.
    private final ByteBuffer local = ByteBuffer.allocate(16);
    private final ByteBuffer remote = ByteBuffer.allocate(16);

    public KernelSynAckForgetter(Probe probe) {
        this.probe = probe;
    }

    @Override
    public void forget(Tuple tuple) {
        local.putLong(0, tuple.localHi()).putLong(8, tuple.localLo());
        remote.putLong(0, tuple.remoteHi()).putLong(8, tuple.remoteLo());
        try {
            probe.forgetSynAck(tuple.family(), local.array(), remote.array(), tuple.localPort(), tuple.remotePort());
        } catch (ProbeException e) {
            log.warn("{}", e.getMessage());
        }
    }
}
