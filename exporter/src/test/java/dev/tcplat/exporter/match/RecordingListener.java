package dev.tcplat.exporter.match;

import java.util.ArrayList;
import java.util.List;

/** Keeps every outcome the matchers report, in order, for assertions. */
public final class RecordingListener implements HandshakeListener {
    /** One outcome (the port is the server port): kind is "handshake", "turnaround", "retransmit", "synack-retransmit" or a failure label. */
    public record Outcome(String kind, Direction direction, int family, long remoteHi, long remoteLo, int remotePort,
            long nanos, long connectNanos) {}

    public final List<Outcome> outcomes = new ArrayList<>();

    @Override
    public void onHandshake(Direction direction, int family, long remoteHi, long remoteLo, int remotePort,
            long rttNanos, long connectNanos) {
        outcomes.add(new Outcome("handshake", direction, family, remoteHi, remoteLo, remotePort, rttNanos, connectNanos));
    }

    @Override
    public void onSynToSynAck(int family, long remoteHi, long remoteLo, int remotePort, long nanos) {
        outcomes.add(new Outcome("turnaround", Direction.INBOUND, family, remoteHi, remoteLo, remotePort, nanos, 0));
    }

    @Override
    public void onSynRetransmit(Direction direction, int family, long remoteHi, long remoteLo, int remotePort) {
        outcomes.add(new Outcome("retransmit", direction, family, remoteHi, remoteLo, remotePort, 0, 0));
    }

    @Override
    public void onSynAckRetransmit(Direction direction, int family, long remoteHi, long remoteLo, int remotePort) {
        outcomes.add(new Outcome("synack-retransmit", direction, family, remoteHi, remoteLo, remotePort, 0, 0));
    }

    @Override
    public void onFailure(Direction direction, int family, long remoteHi, long remoteLo, int remotePort,
            Failure failure) {
        outcomes.add(new Outcome(failure.label, direction, family, remoteHi, remoteLo, remotePort, 0, 0));
    }

    public List<Outcome> of(String kind) {
        return outcomes.stream().filter(o -> o.kind().equals(kind)).toList();
    }
}
