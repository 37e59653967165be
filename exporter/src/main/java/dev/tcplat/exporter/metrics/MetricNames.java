package dev.tcplat.exporter.metrics;

/**
 * Every metric name the exporter exposes, in one place, so a rename is one deliberate edit.
 * Base units, {@code _total} for counters, {@code _seconds} for durations.
 */
public final class MetricNames {
    public static final String HANDSHAKE_RTT_SECONDS = "tcplat_handshake_rtt_seconds";
    public static final String CONNECT_DURATION_SECONDS = "tcplat_connect_duration_seconds";
    public static final String SYN_TO_SYNACK_SECONDS = "tcplat_syn_to_synack_seconds";
    public static final String SYNACK_TABLE_FULL = "tcplat_kernel_synack_table_full";
    public static final String ACK_UNMATCHED = "tcplat_ack_unmatched";
    public static final String HANDSHAKE_FAILURES = "tcplat_handshake_failures";
    public static final String RTT_AMBIGUOUS = "tcplat_rtt_ambiguous";
    public static final String SYNACK_LATE = "tcplat_synack_late";
    public static final String EVENTS = "tcplat_events";
    public static final String RINGBUF_DROPPED_EVENTS = "tcplat_ringbuf_dropped_events";
    public static final String PENDING_HANDSHAKES = "tcplat_pending_handshakes";
    public static final String PENDING_EVICTED = "tcplat_pending_evicted";
    public static final String SYN_RETRANSMITS = "tcplat_syn_retransmits";
    public static final String SYNACK_RETRANSMITS = "tcplat_synack_retransmits";
    public static final String SYNACK_ACK_MISMATCH = "tcplat_synack_ack_mismatch";
    public static final String SYNACK_UNMATCHED = "tcplat_synack_unmatched";
    public static final String DRAIN_BATCHES = "tcplat_drain_batches";
    public static final String INTERFACE_ATTACHED = "tcplat_interface_attached";
    public static final String BUILD_INFO = "tcplat_build_info";
    public static final String PEER_SERIES_OVERFLOW = "tcplat_peer_series_overflow";
    public static final String PEER_LABEL_SETS = "tcplat_peer_label_sets";
    public static final String PEER_LABEL_SETS_EXPIRED = "tcplat_peer_label_sets_expired";
    public static final String DRAIN_BATCH_EVENTS = "tcplat_drain_batch_events";
    public static final String LAST_EVENT_TIMESTAMP_SECONDS = "tcplat_last_event_timestamp_seconds";

    public static final String LABEL_DIRECTION = "direction";
    public static final String LABEL_PEER = "peer";
    public static final String LABEL_KIND = "kind";
    public static final String LABEL_REASON = "reason";
    public static final String LABEL_INTERFACE = "interface";
    public static final String LABEL_MODE = "mode";
    public static final String LABEL_PORT = "port";
    public static final String LABEL_FOLD = "fold";


    private MetricNames() {}
}
