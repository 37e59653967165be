package dev.tcplat.exporter.bpf;

import java.util.List;

/** What one BPF_PROG_TEST_RUN of a program on a frame gave: its verdict and the events it emitted. */
record ProgramRun(int verdict, List<EmittedEvent> events) {
    /**
     * TC_ACT_UNSPEC (linux/pkt_cls.h): hand the packet on unchanged (TCX_NEXT under TCX), the
     * only verdict the program may give.
     */
    static final int PASS = -1;

    ProgramRun {
        events = List.copyOf(events);
    }
}
