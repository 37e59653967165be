package dev.tcplat.exporter.bench;

import dev.tcplat.exporter.bpf.EventSource;
import dev.tcplat.exporter.bpf.ProbeException;
import java.nio.ByteBuffer;

/** Counts the native downcalls (polls) the drainer makes, whatever they return. */
final class CountingSource implements EventSource {
    private final EventSource delegate;
    private volatile long calls;

    CountingSource(EventSource delegate) {
        this.delegate = delegate;
    }

    @Override
    public int poll(ByteBuffer buf, int maxEvents, int timeoutMs) throws ProbeException {
        calls++;
        return delegate.poll(buf, maxEvents, timeoutMs);
    }

    long calls() {
        return calls;
    }
}
