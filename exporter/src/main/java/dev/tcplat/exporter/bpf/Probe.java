package dev.tcplat.exporter.bpf;

import com.sun.jna.Pointer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;

/**
 * Owns the loaded BPF object and its attachments: the one place where the shim's {@code -errno}
 * results become {@link ProbeException}s with a message an operator can act on.
 *
 * <p>Threading follows the shim: one thread attaches and detaches, one thread polls, and
 * {@link #counter} may be read from any thread (scrapes). {@link #close} must only run once the
 * polling thread has been joined, because it frees the ring the poller reads.
 */
public final class Probe implements EventSource, AutoCloseable {
    private static final String BPF_OBJECT_RESOURCE = "/bpf/tcplat.bpf.o";

    private final Pointer handle;
    private boolean closed;

    private Probe(Pointer handle) {
        this.handle = handle;
    }

    /**
     * Loads the BPF object shipped in the jar with a ring buffer of {@code ringBytes} (a power of
     * two, at least one page) after checking that the shim was built with this jar's ABI.
     */
    public static Probe open(int ringBytes) throws ProbeException {
        checkShim();
        byte[] object = readBpfObject();
        long[] handleOut = new long[1];
        int rc = TcplatNative.tcplat_open(object, object.length, ringBytes, handleOut);
        if (rc < 0) {
            throw failure("cannot load the BPF program", rc);
        }
        return new Probe(new Pointer(handleOut[0]));
    }

    /** Loads the native shim and checks that it was built with this jar's ABI. */
    public static void checkShim() throws ProbeException {
        ShimAbi shim;
        try {
            shim = new ShimAbi(TcplatNative.tcplat_abi_hash(), TcplatNative.tcplat_abi_version(),
                    TcplatNative.tcplat_event_size());
        } catch (LinkageError e) {
            throw ShimAbi.loadFailure(e);
        }
        ShimAbi.requireSameAsJar(shim);
    }

    private static byte[] readBpfObject() throws ProbeException {
        try (InputStream in = Probe.class.getResourceAsStream(BPF_OBJECT_RESOURCE)) {
            if (in == null) {
                throw new ProbeException("the jar lacks " + BPF_OBJECT_RESOURCE
                        + "; build with 'mvn package' from the repository root so the ebpf module runs first", 0);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new ProbeException("cannot read " + BPF_OBJECT_RESOURCE + " from the jar: " + e.getMessage(), 0);
        }
    }

    /**
     * Hooks ingress and egress of the interface with index {@code ifindex} ({@code ifname} is for
     * messages); returns the mode actually used.
     */
    public AttachMode attach(int ifindex, String ifname, AttachMode requested) throws ProbeException {
        ensureOpen();
        int rc = TcplatNative.tcplat_attach(handle, ifindex, requested.nativeValue);
        if (rc < 0) {
            throw failure("cannot attach to interface " + ifname, rc);
        }
        return AttachMode.fromNative(rc);
    }

    /**
     * Removes this probe's programs from the interface with index {@code ifindex}, leaving
     * anything foreign in place; succeeds when the interface is gone already.
     */
    public void detach(int ifindex, String ifname) throws ProbeException {
        ensureOpen();
        int rc = TcplatNative.tcplat_detach(handle, ifindex);
        if (rc < 0) {
            throw failure("cannot detach from interface " + ifname, rc);
        }
    }

    /**
     * Copies up to {@code maxEvents} records into {@code directBuf} (record i at
     * {@code i * EventLayout.EVENT_SIZE}, native byte order), waiting up to {@code timeoutMs} when
     * the ring is empty. Returns the number of records; 0 on timeout.
     */
    @Override
    public int poll(ByteBuffer directBuf, int maxEvents, int timeoutMs) throws ProbeException {
        if (!directBuf.isDirect() || directBuf.capacity() < (long) maxEvents * EventLayout.EVENT_SIZE) {
            throw new IllegalArgumentException("poll needs a direct buffer of at least "
                    + maxEvents + " records");
        }
        ensureOpen();
        int rc = TcplatNative.tcplat_poll(handle, directBuf, maxEvents, timeoutMs);
        if (rc < 0) {
            throw failure("cannot read the event ring buffer", rc);
        }
        return rc;
    }

    /**
     * Tells the kernel to stop waiting for the client's ACK of an inbound handshake; addresses are
     * 16 bytes in network order (IPv4 in the first four). Called on the drain thread when a
     * handshake fails.
     */
    public void forgetSynAck(int family, byte[] local, byte[] remote, int localPort, int remotePort)
            throws ProbeException {
        if (local.length != 16 || remote.length != 16) {
            throw new IllegalArgumentException("addresses must be 16 bytes, got " + local.length + " and " + remote.length);
        }
        ensureOpen();
        int rc = TcplatNative.tcplat_forget_synack(handle, family, local, remote, localPort, remotePort);
        if (rc < 0) {
            throw failure("cannot update the kernel's table of answered handshakes", rc);
        }
    }

    /** Sum over CPUs of a kernel counter ({@code EventLayout.COUNTER_*}); -1 once closed. */
    public long counter(int idx) {
        synchronized (this) {
            if (closed) {
                return -1;
            }
            return TcplatNative.tcplat_counter(handle, idx);
        }
    }

    /** Runs one program once on {@code frame} with BPF_PROG_TEST_RUN; returns its verdict. */
    public int testRun(ProgramVariant program, byte[] frame) throws ProbeException {
        ensureOpen();
        int[] verdict = new int[1];
        int rc = TcplatNative.tcplat_test_run(handle, program.nativeValue, frame, frame.length, verdict);
        if (rc < 0) {
            throw failure("BPF_PROG_TEST_RUN of " + program + " failed", rc);
        }
        return verdict[0];
    }

    /** Detaches every interface still attached and frees the native side; idempotent. */
    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            TcplatNative.tcplat_close(handle);
        }
    }

    private void ensureOpen() throws ProbeException {
        if (closed) {
            throw new ProbeException("the probe is closed", Errno.EINVAL);
        }
    }

    private static ProbeException failure(String what, int rc) {
        int errno = -rc;
        String detail = TcplatNative.tcplat_last_error();
        StringBuilder message = new StringBuilder(what).append(": ");
        message.append(detail == null || detail.isEmpty() ? Errno.name(errno) : detail);
        String advice = Errno.advice(errno);
        if (!advice.isEmpty() && (detail == null || !detail.contains(advice))) {
            message.append("; ").append(advice);
        }
        return new ProbeException(message.toString(), errno);
    }
}
