package dev.tcplat.exporter.iface;

import dev.tcplat.exporter.bpf.Link;
import dev.tcplat.exporter.bpf.LinkWatch;
import dev.tcplat.exporter.bpf.ProbeException;
import java.util.List;

/**
 * The interfaces of this network namespace, and word that they changed: all the reconciler needs
 * of rtnetlink, so its rules can be tested without a kernel.
 */
public interface LinkSource extends AutoCloseable {
    /** Every interface now. */
    List<Link> list() throws ProbeException;

    /** Waits up to {@code timeoutMs}; true if something changed (or may have) since the last call. */
    boolean awaitChange(int timeoutMs) throws ProbeException;

    /** Stops listening; must not run while another thread waits in {@link #awaitChange}. */
    @Override
    void close();

    /**
     * The real thing: {@link LinkWatch#list()} and a {@link LinkWatch} opened now, so a change
     * after this call and before the first {@link #list} still wakes {@link #awaitChange}.
     */
    static LinkSource netlink() throws ProbeException {
        LinkWatch watch = LinkWatch.open();
        return new LinkSource() {
            @Override
            public List<Link> list() throws ProbeException {
                return LinkWatch.list();
            }

            @Override
            public boolean awaitChange(int timeoutMs) throws ProbeException {
                return watch.awaitChange(timeoutMs);
            }

            @Override
            public void close() {
                watch.close();
            }
        };
    }
}
