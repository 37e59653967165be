package dev.tcplat.exporter.bench;

import dev.tcplat.exporter.match.Direction;
import dev.tcplat.exporter.match.HandshakeListener;
import dev.tcplat.exporter.match.Tuple;

/** Discards outcomes, for measurements of the matcher alone. */
final class NullListener implements HandshakeListener {
    @Override
    public void onHandshake(Direction direction, Tuple tuple, long rttNanos, long connectNanos) { }

    @Override
    public void onSynToSynAck(Tuple tuple, long nanos) { }

    @Override
    public void onSynRetransmit(Direction direction, Tuple tuple) { }

    @Override
    public void onSynAckRetransmit(Direction direction, Tuple tuple) { }

    @Override
    public void onFailure(Direction direction, Tuple tuple, Failure failure) { }
}
