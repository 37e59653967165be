package dev.tcplat.exporter.bpf;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import java.nio.ByteBuffer;

/**
 * JNA direct mapping of the shim's C API ({@code ebpf/shim/tcplat_shim.h}); natives only.
 *
 * <p>Direct mapping because a downcall then costs tens of nanoseconds instead of the
 * reflection-driven interface proxy's microseconds, and {@link #tcplat_poll} is called once per
 * batch on the hot path. Everything returns 0, a count, or {@code -errno}; {@link Probe} turns
 * those into exceptions.
 */
final class TcplatNative {
    static {
        // JNA extracts linux-x86-64/libtcplat.so from the jar into jna.tmpdir and loads it.
        Native.register(TcplatNative.class, "tcplat");
    }

    private TcplatNative() {}

    static native int tcplat_abi_version();

    static native int tcplat_event_size();

    /** A {@code uint64_t}: the bits are what matters, not the sign. */
    static native long tcplat_abi_hash();

    static native String tcplat_last_error();

    /** {@code handleOut[0]} receives the {@code struct tcplat *}. */
    static native int tcplat_open(byte[] obj, long objLen, int ringBytes, long[] handleOut);

    static native int tcplat_attach(Pointer handle, int ifindex, int mode);

    static native int tcplat_detach(Pointer handle, int ifindex);

    /** {@code buf} must be a direct buffer of at least {@code maxEvents * EVENT_SIZE} bytes. */
    static native int tcplat_poll(Pointer handle, ByteBuffer buf, int maxEvents, int timeoutMs);

    static native int tcplat_forget_synack(Pointer handle, int family, byte[] local, byte[] remote,
            int localPort, int remotePort);

    static native long tcplat_counter(Pointer handle, int idx);

    static native int tcplat_test_run(Pointer handle, int program, byte[] frame, int len, int[] retval);

    static native void tcplat_close(Pointer handle);

    /** {@code buf} holds up to {@code max} records of {@code struct tcplat_link}. */
    static native int tcplat_links(byte[] buf, int max);

    static native int tcplat_link_watch_open();

    static native int tcplat_link_watch_wait(int fd, int timeoutMs);

    static native void tcplat_link_watch_close(int fd);
}
