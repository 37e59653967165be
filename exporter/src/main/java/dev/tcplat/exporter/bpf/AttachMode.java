package dev.tcplat.exporter.bpf;

/** How the probe hooks an interface; values generated from {@code enum tcplat_attach_mode}. */
public enum AttachMode {
    /** TCX links where the kernel has them (6.6+), legacy clsact otherwise. */
    AUTO(TcplatAbi.TCPLAT_ATTACH_AUTO),
    /** TCX links only: they vanish with the process, so nothing can be left behind. */
    TCX(TcplatAbi.TCPLAT_ATTACH_TCX),
    /** Legacy clsact qdisc and direct-action filter. */
    TC(TcplatAbi.TCPLAT_ATTACH_TC);

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
