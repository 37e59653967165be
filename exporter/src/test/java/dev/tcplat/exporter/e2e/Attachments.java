package dev.tcplat.exporter.e2e;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import com.sun.jna.Pointer;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What is attached to an interface's TC hooks, as the kernel reports it: legacy clsact qdiscs and
 * filters through {@code tc}, TCX programs and links through the {@code bpf(2)} syscall.
 *
 * <p>TCX is queried directly with {@code BPF_PROG_QUERY} because the bpftool of Debian 12 (7.1)
 * predates TCX: {@code bpftool net} does not list TCX links, and {@code bpftool link} shows them
 * only as an unknown link type, without a device. An interface index is also only unique within
 * one namespace, so grepping a global link list for it could match another namespace's device.
 */
final class Attachments {
    private static final int BPF_PROG_QUERY = 16;
    private static final int BPF_TCX_INGRESS = 46; // enum bpf_attach_type, Linux 6.6+
    private static final int BPF_TCX_EGRESS = 47;
    private static final int QUERY_ATTR_SIZE = 64;
    private static final int MAX_IDS = 64;

    /** A TC hook of an interface. */
    enum Hook {
        INGRESS,
        EGRESS
    }

    /** The programs and links a TCX hook holds; ids are global, unlike interface indexes. */
    record Tcx(List<Integer> programIds, List<Integer> linkIds) {
        boolean isEmpty() {
            return programIds.isEmpty() && linkIds.isEmpty();
        }
    }

    private Attachments() {}

    /** {@code tc filter show dev DEV ingress|egress} inside {@code ns}: empty when there are none. */
    static String tcFilters(NetworkNamespace ns, String dev, Hook hook) {
        return ns.exec("tc", "filter", "show", "dev", dev, hook == Hook.INGRESS ? "ingress" : "egress")
                .check().stdout().strip();
    }

    /** {@code tc qdisc show dev DEV} inside {@code ns}. */
    static String qdiscs(NetworkNamespace ns, String dev) {
        return ns.exec("tc", "qdisc", "show", "dev", dev).check().stdout().strip();
    }

    static boolean hasClsact(NetworkNamespace ns, String dev) {
        return qdiscs(ns, dev).contains("qdisc clsact");
    }

    /**
     * The TCX programs and links on {@code dev}'s hook: {@code BPF_PROG_QUERY} with
     * {@code target_ifindex}, run on a thread inside {@code ns} because the kernel resolves the
     * index in the caller's namespace.
     */
    static Tcx tcx(NetworkNamespace ns, String dev, Hook hook) throws Exception {
        int ifindex = ifindex(ns, dev);
        return ns.call(() -> queryTcx(ifindex, hook == Hook.INGRESS ? BPF_TCX_INGRESS : BPF_TCX_EGRESS));
    }

    /**
     * The index of {@code dev} in {@code ns}, from {@code ip -o link show}: unlike
     * {@link java.net.NetworkInterface}, which lists only interfaces with an address, this finds a
     * device that is down or has no address yet.
     */
    static int ifindex(NetworkNamespace ns, String dev) {
        String line = ns.ip("-o", "link", "show", "dev", dev).stdout();
        return Integer.parseInt(line.substring(0, line.indexOf(':')).strip());
    }

    /** union bpf_attr.query as of Linux 6.6 (offsets in the comments). */
    private static Tcx queryTcx(int ifindex, int attachType) {
        Memory attr = new Memory(QUERY_ATTR_SIZE);
        Memory progIds = new Memory(4L * MAX_IDS);
        Memory linkIds = new Memory(4L * MAX_IDS);
        attr.clear();
        attr.setInt(0, ifindex); // target_ifindex
        attr.setInt(4, attachType); // attach_type
        attr.setLong(16, Pointer.nativeValue(progIds)); // prog_ids
        attr.setInt(24, MAX_IDS); // count: capacity in, number attached out
        attr.setLong(40, Pointer.nativeValue(linkIds)); // link_ids
        try {
            Libc.INSTANCE.syscall(Libc.SYS_BPF, BPF_PROG_QUERY, attr, QUERY_ATTR_SIZE);
        } catch (LastErrorException e) {
            throw new IllegalStateException("BPF_PROG_QUERY of ifindex " + ifindex + " attach type " + attachType
                    + " failed: errno " + e.getErrorCode(), e);
        }
        int count = attr.getInt(24);
        List<Integer> programs = new ArrayList<>();
        List<Integer> links = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            programs.add(progIds.getInt(4L * i));
            int link = linkIds.getInt(4L * i);
            if (link != 0) {
                links.add(link);
            }
        }
        return new Tcx(List.copyOf(programs), List.copyOf(links));
    }

    private static final Pattern ID_LINE = Pattern.compile("(?m)^(\\d+): ");

    /** Ids of every BPF link in the system, from {@code bpftool link show} (ids are global). */
    static List<Integer> bpfLinkIds() {
        return ids(Command.run("bpftool", "link", "show").check().stdout());
    }

    /** Ids of every loaded BPF program in the system, from {@code bpftool prog show}. */
    static List<Integer> bpfProgramIds() {
        return ids(Command.run("bpftool", "prog", "show").check().stdout());
    }

    private static List<Integer> ids(String listing) {
        List<Integer> ids = new ArrayList<>();
        Matcher matcher = ID_LINE.matcher(listing);
        while (matcher.find()) {
            ids.add(Integer.parseInt(matcher.group(1)));
        }
        return ids;
    }
}
