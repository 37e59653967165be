package dev.tcplat.exporter.iface;

import dev.tcplat.exporter.bpf.AttachMode;
import dev.tcplat.exporter.bpf.Probe;
import dev.tcplat.exporter.bpf.ProbeException;

/**
 * Hooks the probe's programs onto an interface and takes them off again: all the reconciler
 * needs of the probe, so its rules can be tested without a kernel.
 */
public interface ProgramAttacher {
    /** Hooks ingress and egress of interface {@code ifindex}; returns the mode actually used. */
    AttachMode attach(int ifindex, String ifname, AttachMode requested) throws ProbeException;

    /** Removes the hooks from interface {@code ifindex}; succeeds when the interface is gone. */
    void detach(int ifindex, String ifname) throws ProbeException;

    /** The real thing: {@link Probe#attach} and {@link Probe#detach}. */
    static ProgramAttacher of(Probe probe) {
        return new ProgramAttacher() {
            @Override
            public AttachMode attach(int ifindex, String ifname, AttachMode requested) throws ProbeException {
                return probe.attach(ifindex, ifname, requested);
            }

            @Override
            public void detach(int ifindex, String ifname) throws ProbeException {
                probe.detach(ifindex, ifname);
            }
        };
    }
}
