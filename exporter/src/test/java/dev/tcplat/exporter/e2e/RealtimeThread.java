package dev.tcplat.exporter.e2e;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;

/**
 * Gives the calling thread a low real-time priority (SCHED_FIFO 10), for the fake peers whose
 * reaction times are part of the ground truth. Under ordinary scheduling a thread woken by a
 * packet waits behind whatever else the two CPUs run (the build, the exporter's JVM), and the
 * wait, milliseconds on a busy machine, lands in the delay the exporter measures as if the network
 * had added it. These threads sleep almost all the time, so they take little from anyone.
 */
final class RealtimeThread {
    private static final int PRIORITY = 10;

    private RealtimeThread() {}

    /** Raises the calling thread; returns false (and changes nothing) without CAP_SYS_NICE. */
    static boolean raiseCurrent() {
        Memory param = new Memory(4);
        param.setInt(0, PRIORITY);
        try {
            Libc.INSTANCE.sched_setscheduler(0, Libc.SCHED_FIFO, param);
            return true;
        } catch (LastErrorException e) {
            return false;
        }
    }
}
