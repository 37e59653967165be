package dev.tcplat.exporter.bpf;

import java.nio.ByteBuffer;

/** Where the drainer reads event records from: the probe's ring buffer, or a test's fake. */
public interface EventSource {
    /**
     * Copies up to {@code maxEvents} records of {@link EventLayout#EVENT_SIZE} bytes into
     * {@code buf} (native byte order), waiting up to {@code timeoutMs} when none is ready.
     * Returns the number copied.
     */
    int poll(ByteBuffer buf, int maxEvents, int timeoutMs) throws ProbeException;
}
