package dev.tcplat.exporter.bench;

import dev.tcplat.exporter.match.Direction;
import dev.tcplat.exporter.match.HandshakeListener;

/** Discards outcomes, for measurements of the matcher alone. */
final class NullListener implements HandshakeListener {
    @Override
    public void onHandshake(Direction direction, int family, long remoteHi, long remoteLo, int remotePort,
            long rttNanos, long connectNanos) { }

    @Override
    public void onSynToSynAck(int family, long remoteHi, long remoteLo, int remotePort, long nanos) { }

    @Override
    public void onSynRetransmit(Direction direction, int family, long remoteHi, long remoteLo, int remotePort) { }

    @Override
    public void onSynAckRetransmit(Direction direction, int family, long remoteHi, long remoteLo, int remotePort) { }

    @Override
    public void onFailure(Direction direction, int family, long remoteHi, long remoteLo, int remotePort,
            Failure failure) { }
}
