package dev.tcplat.exporter.bpf;

/**
 * The object's four TC programs; values generated from {@code enum tcplat_program}. Direction and link
 * type are baked into separate programs so the packet path never looks either up.
 */
public enum ProgramVariant {
    INGRESS_ETH(TcplatAbi.TCPLAT_PROG_INGRESS_ETH),
    EGRESS_ETH(TcplatAbi.TCPLAT_PROG_EGRESS_ETH),
    INGRESS_L3(TcplatAbi.TCPLAT_PROG_INGRESS_L3),
    EGRESS_L3(TcplatAbi.TCPLAT_PROG_EGRESS_L3);

    final int nativeValue;

    ProgramVariant(int nativeValue) {
        this.nativeValue = nativeValue;
    }
}
