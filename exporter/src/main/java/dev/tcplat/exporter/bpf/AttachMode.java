package dev.tcplat.exporter.bpf;

/** How the probe hooks an interface; values match {@code enum tcplat_attach_mode}. */
public enum AttachMode {
    /** TCX links where the kernel has them (6.6+), legacy clsact otherwise. */
    AUTO(0),
    /** TCX links only: they vanish with the process, so nothing can be left behind. */
    TCX(1),
    /** Legacy clsact qdisc and direct-action filter. */
    TC(2);

    final int nativeValue;

    AttachMode(int nativeValue) {
        this.nativeValue = nativeValue;
    }

    static AttachMode fromNative(int value) {
        for (AttachMode mode : values()) {
            if (mode.nativeValue == value) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown attach mode " + value);
    }
}
