package dev.tcplat.exporter.bpf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The interfaces of this network namespace, read from rtnetlink by the shim, and a socket that
 * wakes up whenever one is added, removed, renamed, or goes up or down.
 *
 * <p>Not {@link java.net.NetworkInterface}: the JDK lists only interfaces that have an address,
 * and a veth just created, or a bond's slave, has none.
 */
public final class LinkWatch implements AutoCloseable {
    /** {@code struct tcplat_link} of {@code ebpf/shim/tcplat_shim.h}. */
    private static final int LINK_SIZE = TcplatAbi.SIZEOF_TCPLAT_LINK;
    private static final int IFINDEX_OFFSET = TcplatAbi.OFFSETOF_TCPLAT_LINK_IFINDEX;
    private static final int FLAGS_OFFSET = TcplatAbi.OFFSETOF_TCPLAT_LINK_FLAGS;
    private static final int NAME_OFFSET = TcplatAbi.OFFSETOF_TCPLAT_LINK_NAME;
    private static final int NAME_SIZE = TcplatAbi.SIZEOF_TCPLAT_LINK_NAME;

    private final int fd;
    private boolean closed;

    private LinkWatch(int fd) {
        this.fd = fd;
    }

    /** Starts listening for interface changes; changes from then on wake {@link #awaitChange}. */
    public static LinkWatch open() throws ProbeException {
        int fd = TcplatNative.tcplat_link_watch_open();
        if (fd < 0) {
            throw new ProbeException("cannot watch for interface changes: " + TcplatNative.tcplat_last_error(), -fd);
        }
        return new LinkWatch(fd);
    }

    /** Every interface of the calling thread's network namespace, in index order. */
    public static List<Link> list() throws ProbeException {
        int capacity = 64;
        while (true) {
            byte[] buf = new byte[capacity * LINK_SIZE];
            int count = TcplatNative.tcplat_links(buf, capacity);
            if (count < 0) {
                throw new ProbeException("cannot list interfaces: " + TcplatNative.tcplat_last_error(), -count);
            }
            if (count <= capacity) {
                return decode(buf, count);
            }
            capacity = count + 16; // more appeared than fit: dump again with room to spare
        }
    }

    private static List<Link> decode(byte[] buf, int count) {
        ByteBuffer records = ByteBuffer.wrap(buf).order(ByteOrder.nativeOrder());
        List<Link> links = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            int base = i * LINK_SIZE;
            int length = 0;
            while (length < NAME_SIZE && buf[base + NAME_OFFSET + length] != 0) {
                length++;
            }
            String name = new String(buf, base + NAME_OFFSET, length, StandardCharsets.UTF_8);
            links.add(Link.fromFlags(records.getInt(base + IFINDEX_OFFSET), name, records.getInt(base + FLAGS_OFFSET)));
        }
        return links;
    }

    /**
     * Waits up to {@code timeoutMs} for a change; true if there was one (or some were lost, so
     * the list must be read again), false if nothing changed.
     */
    public boolean awaitChange(int timeoutMs) throws ProbeException {
        if (closed) {
            throw new ProbeException("the interface watch is closed", Errno.EINVAL);
        }
        int rc = TcplatNative.tcplat_link_watch_wait(fd, timeoutMs);
        if (rc < 0) {
            throw new ProbeException("cannot read interface changes: " + TcplatNative.tcplat_last_error(), -rc);
        }
        return rc > 0;
    }

    /** Must not run while another thread waits in {@link #awaitChange}. */
    @Override
    public void close() {
        if (!closed) {
            closed = true;
            TcplatNative.tcplat_link_watch_close(fd);
        }
    }
}
