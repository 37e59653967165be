package dev.tcplat.exporter.e2e;

import com.sun.jna.LastErrorException;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * The few libc calls the harness needs that Java has no API for: entering a network namespace,
 * opening a tun device, waiting on and moving packets through its fd, the bpf(2) syscall, and
 * real-time scheduling for the fake peers' threads.
 * Failures throw {@link LastErrorException} carrying errno.
 */
interface Libc extends Library {
    Libc INSTANCE = Native.load("c", Libc.class);

    int O_RDONLY = 0;
    int O_RDWR = 2;
    int O_CLOEXEC = 0x80000;

    /** setns(2) nstype: fails unless the fd refers to a network namespace. */
    int CLONE_NEWNET = 0x40000000;

    short POLLIN = 0x1;

    /** x86_64 syscall number of bpf(2). */
    long SYS_BPF = 321;

    int open(String path, int flags) throws LastErrorException;

    int close(int fd) throws LastErrorException;

    int setns(int fd, int nstype) throws LastErrorException;

    int ioctl(int fd, long request, Pointer arg) throws LastErrorException;

    long read(int fd, byte[] buf, long count) throws LastErrorException;

    long write(int fd, byte[] buf, long count) throws LastErrorException;

    /** {@code fds} points at {@code nfds} {@code struct pollfd} (int fd, short events, short revents). */
    int poll(Pointer fds, long nfds, int timeoutMs) throws LastErrorException;

    long syscall(long number, long arg1, Pointer arg2, long arg3) throws LastErrorException;

    /** sched_setscheduler(2) policy: first-in first-out real-time scheduling. */
    int SCHED_FIFO = 1;

    /** {@code param} points at a {@code struct sched_param} (int sched_priority); pid 0 is this thread. */
    int sched_setscheduler(int pid, int policy, Pointer param) throws LastErrorException;
}
