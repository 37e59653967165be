package dev.tcplat.exporter.bpf;

/**
 * Java view of {@code struct tcplat_event} in {@code ebpf/include/tcplat_abi.h}. Nothing here is
 * written by hand: every value comes from {@link TcplatAbi}, which the build generates from the C
 * headers, and {@link Probe} refuses a shim whose ABI hash differs from this build's, so a stale
 * shim produces an error instead of garbage latency.
 */
public final class EventLayout {
    public static final int ABI_VERSION = TcplatAbi.TCPLAT_ABI_VERSION;
    public static final int EVENT_SIZE = TcplatAbi.SIZEOF_TCPLAT_EVENT;

    public static final int TS_NS = TcplatAbi.OFFSETOF_TCPLAT_EVENT_TS_NS;
    public static final int SADDR = TcplatAbi.OFFSETOF_TCPLAT_EVENT_SADDR;
    public static final int DADDR = TcplatAbi.OFFSETOF_TCPLAT_EVENT_DADDR;
    public static final int SEQ = TcplatAbi.OFFSETOF_TCPLAT_EVENT_SEQ;
    public static final int ACK = TcplatAbi.OFFSETOF_TCPLAT_EVENT_ACK;
    public static final int TSVAL = TcplatAbi.OFFSETOF_TCPLAT_EVENT_TSVAL;
    public static final int TSECR = TcplatAbi.OFFSETOF_TCPLAT_EVENT_TSECR;
    public static final int IFINDEX = TcplatAbi.OFFSETOF_TCPLAT_EVENT_IFINDEX;
    public static final int SPORT = TcplatAbi.OFFSETOF_TCPLAT_EVENT_SPORT;
    public static final int DPORT = TcplatAbi.OFFSETOF_TCPLAT_EVENT_DPORT;
    public static final int FAMILY = TcplatAbi.OFFSETOF_TCPLAT_EVENT_FAMILY;
    public static final int KIND = TcplatAbi.OFFSETOF_TCPLAT_EVENT_KIND;
    public static final int DIRECTION = TcplatAbi.OFFSETOF_TCPLAT_EVENT_DIRECTION;
    public static final int TCP_FLAGS = TcplatAbi.OFFSETOF_TCPLAT_EVENT_TCP_FLAGS;
    public static final int FLAGS = TcplatAbi.OFFSETOF_TCPLAT_EVENT_FLAGS;

    /** Bytes of saddr and daddr (IPv4 uses the first four). */
    public static final int ADDR_LEN = TcplatAbi.SIZEOF_TCPLAT_EVENT_SADDR;

    /** enum tcplat_event_kind */
    public static final int KIND_SYN = TcplatAbi.TCPLAT_EV_SYN;
    public static final int KIND_SYNACK = TcplatAbi.TCPLAT_EV_SYNACK;
    public static final int KIND_RST = TcplatAbi.TCPLAT_EV_RST;
    public static final int KIND_ACK = TcplatAbi.TCPLAT_EV_ACK;

    /** enum tcplat_direction */
    public static final int DIR_INGRESS = TcplatAbi.TCPLAT_DIR_INGRESS;
    public static final int DIR_EGRESS = TcplatAbi.TCPLAT_DIR_EGRESS;

    /** TCP header flag bits (tcp_flags), ebpf/include/tcp_flags.h */
    public static final int TCP_ACK = TcplatAbi.TCP_FL_ACK;

    /** enum tcplat_event_flags */
    public static final int FLAG_HAS_TS = TcplatAbi.TCPLAT_F_HAS_TS;
    public static final int FLAG_ACK_UNTRACKED = TcplatAbi.TCPLAT_F_ACK_UNTRACKED;

    /** enum tcplat_counter */
    public static final int COUNTER_RINGBUF_FULL = TcplatAbi.TCPLAT_CNT_RINGBUF_FULL;
    public static final int COUNTER_SYNACK_TABLE_FULL = TcplatAbi.TCPLAT_CNT_SYNACK_TABLE_FULL;

    private EventLayout() {}
}
