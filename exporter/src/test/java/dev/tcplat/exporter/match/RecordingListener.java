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
    public void onHandshake(Direction direction, Tuple tuple, long rttNanos, long connectNanos) {
        add("handshake", direction, tuple, rttNanos, connectNanos);
    }

    @Override
    public void onSynToSynAck(Tuple tuple, long nanos) {
        add("turnaround", Direction.INBOUND, tuple, nanos, 0);
    }

    @Override
    public void onSynRetransmit(Direction direction, Tuple tuple) {
        add("retransmit", direction, tuple, 0, 0);
    }

    @Override
    public void onSynAckRetransmit(Direction direction, Tuple tuple) {
        add("synack-retransmit", direction, tuple, 0, 0);
    }

    @Override
    public void onFailure(Direction direction, Tuple tuple, Failure failure) {
        add(failure.label, direction, tuple, 0, 0);
    }

    private void add(String kind, Direction direction, Tuple tuple, long nanos, long connectNanos) {
        outcomes.add(new Outcome(kind, direction, tuple.family(), tuple.remoteHi(), tuple.remoteLo(),
                tuple.serverPort(direction), nanos, connectNanos));
    }

    public List<Outcome> of(String kind) {
        return outcomes.stream().filter(o -> o.kind().equals(kind)).toList();
    }
}
