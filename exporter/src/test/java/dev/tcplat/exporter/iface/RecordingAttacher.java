package dev.tcplat.exporter.iface;

import dev.tcplat.exporter.bpf.AttachMode;
import dev.tcplat.exporter.bpf.ProbeException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A probe stand-in that keeps every attach and detach, in order ("attach eth0#2",
 * "detach eth0#2"), answers with a chosen mode, and fails on the interfaces it is told to.
 */
final class RecordingAttacher implements ProgramAttacher {
    private final List<String> calls = new ArrayList<>();
    private final Map<Integer, String> attachFailures = new HashMap<>();
    private AttachMode answer = AttachMode.TCX;
    private boolean detachFails;

    @Override
    public synchronized AttachMode attach(int ifindex, String ifname, AttachMode requested) throws ProbeException {
        calls.add("attach " + ifname + "#" + ifindex);
        String failure = attachFailures.get(ifindex);
        if (failure != null) {
            throw new ProbeException("cannot attach to interface " + ifname + ": " + failure, 16);
        }
        return requested == AttachMode.AUTO ? answer : requested;
    }

    @Override
    public synchronized void detach(int ifindex, String ifname) throws ProbeException {
        calls.add("detach " + ifname + "#" + ifindex);
        if (detachFails) {
            throw new ProbeException("cannot detach from interface " + ifname + ": refused", 1);
        }
    }

    /** The mode an {@code auto} attachment ends up with. */
    synchronized void answerAutoWith(AttachMode mode) {
        answer = mode;
    }

    synchronized void failAttaching(int ifindex, String reason) {
        attachFailures.put(ifindex, reason);
    }

    synchronized void stopFailing(int ifindex) {
        attachFailures.remove(ifindex);
    }

    synchronized void failDetaching() {
        detachFails = true;
    }

    /** The calls since the last time this was asked. */
    synchronized List<String> takeCalls() {
        List<String> taken = List.copyOf(calls);
        calls.clear();
        return taken;
    }
}
