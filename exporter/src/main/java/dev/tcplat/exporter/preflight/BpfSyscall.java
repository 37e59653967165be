package dev.tcplat.exporter.preflight;

import com.sun.jna.LastErrorException;
import com.sun.jna.Native;
import com.sun.jna.Platform;
import com.sun.jna.Pointer;

/**
 * The bpf(2) system call itself, asked to do nothing, to learn whether a request reaches the
 * kernel's BPF code at all. Natives only: {@link RefusalDiagnosis} reads the answer.
 */
final class BpfSyscall {
    /** From the kernel's syscall tables (arch/x86/entry/syscalls, include/uapi/asm-generic/unistd.h). */
    private static final long NR_BPF = Platform.isARM() ? 280 : 321;

    /**
     * No such command exists: kernel/bpf/syscall.c answers EINVAL once the request got past the
     * seccomp filter and the LSMs' bpf hook (security_bpf, called before the command switch).
     * Since 6.5 the unprivileged_bpf_disabled check sits inside the commands it guards, so on
     * those kernels it never answers this call; on older ones it may, for a process without
     * CAP_BPF in the initial user namespace.
     */
    private static final long NO_SUCH_COMMAND = 0x7fff_0000L;

    private static final int NO_ERROR = 0;

    static {
        Native.register(Platform.C_LIBRARY_NAME);
    }

    private BpfSyscall() {}

    private static native long syscall(long number, long cmd, Pointer attr, long size) throws LastErrorException;

    /** The errno bpf(2) answers a command that does not exist; 0 if it (impossibly) succeeds. */
    static int errnoOfNoSuchCommand() {
        try {
            syscall(NR_BPF, NO_SUCH_COMMAND, Pointer.NULL, 0);
            return NO_ERROR;
        } catch (LastErrorException e) {
            return e.getErrorCode();
        }
    }
}
