package dev.tcplat.exporter.config;

import dev.tcplat.exporter.bpf.AttachMode;
import dev.tcplat.exporter.iface.InterfaceSelector;
import dev.tcplat.exporter.match.PendingTable;
import java.time.Duration;
import java.util.List;

/**
 * Everything the exporter runs with, validated once at construction so the rest of the code can
 * trust it.
 */
public record ExporterConfig(
        List<String> interfaces,
        ListenAddress listenAddress,
        String telemetryPath,
        AttachMode attachMode,
        Duration handshakeTimeout,
        int pendingCapacity,
        int ringbufBytes,
        String logLevel,
        String logFormat,
        WebConfig web,
        List<String> interfaceExcludes,
        MetricsConfig metrics) {

    /** The smallest page any Linux has; {@link #requireRingbufPages} checks the running kernel's. */
    public static final int MIN_RINGBUF_BYTES = 4096;

    /** Which interfaces to watch, from {@link #interfaces} and {@link #interfaceExcludes}. */
    public InterfaceSelector interfaceSelector() {
        return InterfaceSelector.of(interfaces, interfaceExcludes);
    }

    /** The pending table's own bound: the position an index slot can hold. */
    public static final int MAX_PENDING_CAPACITY = PendingTable.MAX_CAPACITY;

    public ExporterConfig {
        interfaces = List.copyOf(interfaces);
        interfaceExcludes = List.copyOf(interfaceExcludes);
        InterfaceSelector.of(interfaces, interfaceExcludes); // validates both lists
        if (!telemetryPath.startsWith("/") || telemetryPath.equals("/")) {
            throw new IllegalArgumentException("--web.telemetry-path must start with '/' and not be '/' itself, got '"
                    + telemetryPath + "'");
        }
        if (handshakeTimeout.isNegative() || handshakeTimeout.isZero()) {
            throw new IllegalArgumentException("--handshake.timeout must be positive (e.g. 500ms or 10s), got "
                    + DurationParser.format(handshakeTimeout));
        }
        if (pendingCapacity < 1 || pendingCapacity > MAX_PENDING_CAPACITY) {
            throw new IllegalArgumentException("--pending.capacity must be within 1.." + MAX_PENDING_CAPACITY
                    + ", got " + pendingCapacity);
        }
        if (ringbufBytes < MIN_RINGBUF_BYTES || Integer.bitCount(ringbufBytes) != 1) {
            throw new IllegalArgumentException("--ringbuf.size must be a power of two of at least "
                    + MIN_RINGBUF_BYTES + " bytes, got " + ringbufBytes);
        }
        if (!List.of("error", "warn", "info", "debug").contains(logLevel)) {
            throw new IllegalArgumentException("--log.level must be one of error, warn, info, debug; got '"
                    + logLevel + "'");
        }
        if (!List.of("plain", "json").contains(logFormat)) {
            throw new IllegalArgumentException("--log.format must be plain or json; got '" + logFormat + "'");
        }
    }

    /**
     * The ring must be a multiple of this kernel's page size or the load fails; a power of two is
     * one exactly when it is at least one page, page sizes being powers of two as well.
     */
    public ExporterConfig requireRingbufPages(int pageSize) {
        requireRingbufPages(ringbufBytes, pageSize);
        return this;
    }

    static void requireRingbufPages(int ringbufBytes, int pageSize) {
        if (ringbufBytes < pageSize) {
            throw new IllegalArgumentException("--ringbuf.size must be at least the page size of this kernel, "
                    + pageSize + " bytes, got " + ringbufBytes);
        }
    }
}
