package dev.tcplat.exporter.match;

/**
 * Handshake events for matcher tests, each a new value: the tuple is copied in, so a test can
 * reuse one tuple for every packet of a connection.
 */
final class TestEvents {
    private TestEvents() {}

    /** A tuple of {@code family}; set its ends with {@link Tuple#local} and {@link Tuple#remote}. */
    static Tuple family(int family) {
        return new Tuple().family(family);
    }

    static HandshakeEvent syn(Tuple tuple, int seq, long ts) {
        return event(HandshakeEvent.Kind.SYN, tuple, ts).sequence(seq, 0, false);
    }

    static HandshakeEvent synAck(Tuple tuple, int seq, int ack, long ts) {
        return event(HandshakeEvent.Kind.SYN_ACK, tuple, ts).sequence(seq, ack, true);
    }

    static HandshakeEvent ack(Tuple tuple, int ack, long ts) {
        return event(HandshakeEvent.Kind.ACK, tuple, ts).sequence(0, ack, true);
    }

    static HandshakeEvent rst(Tuple tuple, int ack, boolean ackFlag) {
        return event(HandshakeEvent.Kind.RST, tuple, 0).sequence(0, ack, ackFlag);
    }

    private static HandshakeEvent event(HandshakeEvent.Kind kind, Tuple tuple, long ts) {
        HandshakeEvent event = new HandshakeEvent().reset(kind, false, ts);
        event.tuple().copyOf(tuple);
        return event;
    }
}
