package dev.tcplat.exporter.bpf;

/**
 * Java mirror of {@code struct tcplat_event} in {@code ebpf/include/tcplat_abi.h}. Every offset
 * here must match the header; {@link Probe} compares {@link #ABI_VERSION} and {@link #EVENT_SIZE}
 * with what the loaded shim reports and refuses to start on a mismatch, so a stale shim produces
 * an error instead of garbage latency.
 */
public final class EventLayout {
    public static final int ABI_VERSION = 3;
    public static final int EVENT_SIZE = 72;

    public static final int TS_NS = 0;
    public static final int SADDR = 8;
    public static final int DADDR = 24;
    public static final int SEQ = 40;
    public static final int ACK = 44;
    public static final int TSVAL = 48;
    public static final int TSECR = 52;
    public static final int IFINDEX = 56;
    public static final int SPORT = 60;
    public static final int DPORT = 62;
    public static final int FAMILY = 64;
    public static final int KIND = 65;
    public static final int DIRECTION = 66;
    public static final int TCP_FLAGS = 67;
    public static final int FLAGS = 68;

    public static final int ADDR_LEN = 16;

    /** enum tcplat_event_kind */
    public static final int KIND_SYN = 1;
    public static final int KIND_SYNACK = 2;
    public static final int KIND_RST = 3;
    public static final int KIND_ACK = 4;

    /** enum tcplat_direction */
    public static final int DIR_INGRESS = 0;
    public static final int DIR_EGRESS = 1;

    /** TCP header flag bits (tcp_flags) */
    public static final int TCP_ACK = 0x10;

    /** enum tcplat_event_flags */
    public static final int FLAG_HAS_TS = 1;
    public static final int FLAG_ACK_UNTRACKED = 2;

    /** enum tcplat_counter */
    public static final int COUNTER_RINGBUF_FULL = 0;
    public static final int COUNTER_SYNACK_TABLE_FULL = 1;

    private EventLayout() {}
}
