package dev.tcplat.exporter.bpf;

/**
 * What a loaded shim says about the ABI it was built with, compared with this jar's. The hash
 * covers every size, offset and enum value {@link TcplatAbi} holds (ebpf/abi/abigen.c computes
 * it once per build, for both sides), so any difference in any of them is caught here, not as
 * garbage latency later. The version and event size only make the message say how far apart
 * the two builds are.
 */
record ShimAbi(long hash, int version, int eventSize) {
    /** The ABI this jar was compiled against. */
    static final ShimAbi JAR = new ShimAbi(TcplatAbi.ABI_HASH, EventLayout.ABI_VERSION, EventLayout.EVENT_SIZE);

    /** @throws ProbeException with one line naming both builds' ABIs unless {@code shim} is this jar's */
    static void requireSameAsJar(ShimAbi shim) throws ProbeException {
        if (shim.hash != JAR.hash) {
            throw new ProbeException(String.format(
                    "libtcplat.so and this jar come from different builds (ABI hash %016x, v%d, %d-byte events in"
                            + " the shim; %016x, v%d, %d-byte events in the jar): rebuild both from one source",
                    shim.hash, shim.version, shim.eventSize, JAR.hash, JAR.version, JAR.eventSize), 0);
        }
    }
}
