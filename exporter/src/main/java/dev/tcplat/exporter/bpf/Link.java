package dev.tcplat.exporter.bpf;

/**
 * One network interface as the kernel lists it at one moment. The index identifies the device;
 * the name does not, because a device can be renamed and a deleted one's name reused by its
 * successor with a new index.
 */
public record Link(int index, String name, boolean up, boolean loopback) {
    /** IFF_UP and IFF_LOOPBACK from linux/if.h. */
    static final int IFF_UP = 0x1;
    static final int IFF_LOOPBACK = 0x8;

    public static Link fromFlags(int index, String name, int flags) {
        return new Link(index, name, (flags & IFF_UP) != 0, (flags & IFF_LOOPBACK) != 0);
    }
}
