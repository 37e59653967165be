package dev.tcplat.exporter.bpf;

/**
 * The object's four TC programs; values match {@code enum tcplat_program}. Direction and link
 * type are baked into separate programs so the packet path never looks either up.
 */
public enum ProgramVariant {
    INGRESS_ETH(0),
    EGRESS_ETH(1),
    INGRESS_L3(2),
    EGRESS_L3(3);

    final int nativeValue;

    ProgramVariant(int nativeValue) {
        this.nativeValue = nativeValue;
    }
}
