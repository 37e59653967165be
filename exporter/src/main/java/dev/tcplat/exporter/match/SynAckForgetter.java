package dev.tcplat.exporter.match;

/**
 * Tells the kernel to stop waiting for the ACK of a SYN-ACK this host sent: the kernel keeps each
 * answered inbound handshake in a bounded map until its ACK arrives, and only userspace knows when
 * one has given up.
 */
public interface SynAckForgetter {
    void forget(Tuple tuple);
}
