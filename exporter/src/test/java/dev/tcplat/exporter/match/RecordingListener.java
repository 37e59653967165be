package dev.tcplat.exporter.match;

import java.util.ArrayList;
import java.util.List;

/** Keeps every outcome the matcher reports, in order, for assertions. */
public final class RecordingListener implements HandshakeListener {
    /** One outcome: kind is "handshake", "retransmit" or a failure label. */
    public record Outcome(String kind, int family, long remoteHi, long remoteLo, int remotePort, long rttNanos,
            long connectNanos) {}

    public final List<Outcome> outcomes = new ArrayList<>();

    @Override
    public void onOutboundHandshake(int family, long remoteHi, long remoteLo, int remotePort, long rttNanos,
            long connectNanos) {
        outcomes.add(new Outcome("handshake", family, remoteHi, remoteLo, remotePort, rttNanos, connectNanos));
    }

    @Override
    public void onOutboundSynRetransmit(int family, long remoteHi, long remoteLo, int remotePort) {
        outcomes.add(new Outcome("retransmit", family, remoteHi, remoteLo, remotePort, 0, 0));
    }

    @Override
    public void onOutboundFailure(int family, long remoteHi, long remoteLo, int remotePort, Failure failure) {
        outcomes.add(new Outcome(failure.label, family, remoteHi, remoteLo, remotePort, 0, 0));
    }

    public List<Outcome> of(String kind) {
        return outcomes.stream().filter(o -> o.kind().equals(kind)).toList();
    }
}
