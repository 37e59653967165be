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

    /** Why the shim did not load: a shim older than the hash is another build, not a missing library. */
    static ProbeException loadFailure(LinkageError e) {
        String detail = String.valueOf(e.getMessage());
        if (detail.contains("'tcplat_abi_hash'")) {
            return new ProbeException("libtcplat.so and this jar come from different builds (the shim predates the"
                    + " ABI hash): rebuild both from one source", 0);
        }
        return new ProbeException("cannot load the native shim libtcplat.so (" + detail
                + "); it needs libelf1 and zlib1g installed, and a writable jna.tmpdir", 0);
    }
}
